"""The low-rank solver for data inverted in every dimension: equal to the dense solve of the
normal equations (1e-8) and to ILTpy's references, without ever forming W."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import fastilt as ilt
from fastilt import _core, _linalg
from fastilt.compiled import LOW_RANK_MAX_STEPS, LOW_RANK_RTOL, prepare_system
from fastilt.problem.plan import LOW_RANK_MIN, plan_inversion
from fastilt.forward_model import kronecker_operator, kronecker_transpose_apply, normal_equations
from fastilt.low_rank import low_rank_factors
from reference_cases import CASES, initialised_case, reference, relative_error

pytestmark = pytest.mark.skipif(not _core.HAVE_CHOLMOD, reason="the low-rank solver needs CHOLMOD")

FULLY_INVERTED = sorted(name for name in CASES if name.startswith("2d_"))


def _quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return call(*args, **kwargs)


def _synthetic(n_tau, shape=None, parameters=None, seed=3):
    """Two-component relaxation data, every dimension inverted with an Exponential kernel."""
    shape = shape or tuple(2 * n for n in n_tau)
    rng = np.random.default_rng(seed)
    t = [np.logspace(-3 + d / 2, 1 + d / 2, n) for d, n in enumerate(shape)]
    tau = [np.logspace(-3 + d / 2, 1 + d / 2, n) for d, n in enumerate(n_tau)]
    data = sum(
        a * np.prod(np.meshgrid(*[np.exp(-td / c) for td, c in zip(t, centres)], indexing="ij"), axis=0)
        for a, centres in [(200, [0.01, 0.05, 0.3]), (100, [0.3, 0.01, 3.0])]
    )
    iltdata = ilt.iltload(data=data + rng.normal(size=shape), t=t)
    _quiet(iltdata.init, tau, [ilt.Exponential()] * len(shape), parameters=parameters)
    return iltdata


@pytest.mark.parametrize("name", FULLY_INVERTED)
def test_reference_cases_low_rank_equals_dense(name):
    runs = {}
    for solver in ("dense", "lowrank"):
        data = _quiet(initialised_case, name)
        data.invert(verbose=0, backend="compiled", solver=solver)
        runs[solver] = data
    ref = reference(name)
    assert relative_error(runs["lowrank"].g, runs["dense"].g) <= 1e-8
    assert relative_error(runs["lowrank"].g, ref["g"]) <= 1e-6
    assert relative_error(runs["lowrank"].residuals, ref["residuals"]) <= 1e-6
    assert sum(c is not None for c in runs["lowrank"].convergence) == CASES[name]["iterations"]


@pytest.mark.parametrize(
    "n_tau, parameters",
    [((12, 10, 6), {"maxloop": 30}), ((14, 12), {"compress": True, "maxloop": 30}), ((14, 12), {"nn": True})],
    ids=["3d", "2d-compress", "2d-nn"],
)
def test_synthetic_low_rank_equals_dense(n_tau, parameters):
    runs = {}
    for solver in ("dense", "lowrank"):
        data = _synthetic(n_tau, parameters=parameters)
        data.invert(verbose=0, solver=solver)
        runs[solver] = data.g
    assert relative_error(runs["lowrank"], runs["dense"]) <= 1e-8


def test_auto_takes_low_rank_for_large_problems_and_never_forms_w():
    n_tau = (40, 40)
    assert np.prod(n_tau) >= LOW_RANK_MIN
    data = _synthetic(n_tau, shape=(60, 50), parameters={"maxloop": 12})
    data.invert(verbose=0)
    formed = vars(data.system)  # the normal-equations description holds W and K0comp once formed
    assert "W" not in formed and "K0comp" not in formed
    g_low_rank = data.g.copy()
    data.invert(verbose=0, solver="dense")  # forms W on demand
    assert "W" in formed
    assert relative_error(g_low_rank, data.g) <= 1e-8


def test_low_rank_factors_reproduce_w_and_y():
    data = _synthetic((9, 7), shape=(20, 16))
    blocks, m = data.kernel_blocks, np.ravel(data.mcomp)
    W = kronecker_operator([B.T @ B for B in blocks])
    Y = np.ravel(kronecker_transpose_apply(blocks, m))
    w_factors, A, b = low_rank_factors(blocks, m, tolerance=0.0)  # every pair: exact
    assert A.shape == (np.prod([min(B.shape) for B in blocks]), W.shape[0])  # reduced SVDs
    assert relative_error(A.T @ A, W) <= 1e-12
    assert relative_error(A.T @ b, Y) <= 1e-12
    assert relative_error(kronecker_operator(w_factors), W) <= 1e-14
    _, A_kept, _ = low_rank_factors(blocks, m, tolerance=1e-4)
    assert A_kept.shape[0] < A.shape[0]  # the truncation drops pairs


def test_lazy_w_and_k0comp_equal_their_definitions():
    data = _synthetic((9, 7), shape=(20, 16))
    assert "W" not in data.__dict__ and "K0comp" not in data.__dict__
    W, Y = normal_equations(data.K0comp, data.mcomp)
    np.testing.assert_allclose(data.W, W, rtol=1e-12, atol=1e-12 * np.abs(W).max())
    np.testing.assert_allclose(data.Y, Y, rtol=1e-12, atol=1e-12 * np.abs(Y).max())
    assert data.K0comp.shape == (20 * 16, 9 * 7)


def test_low_rank_refuses_problems_without_kronecker_w():
    pseudo2d = _quiet(initialised_case, "pseudo2d_exponential_8x128")
    with pytest.raises(ValueError, match="every dimension"):
        pseudo2d.invert(verbose=0, solver="lowrank")
    with_sigma = _synthetic((9, 7), shape=(20, 16))
    _quiet(with_sigma.init, parameters=None, sigma=np.full((20, 16), 2.0))
    with pytest.raises(ValueError, match="sigma"):
        with_sigma.invert(verbose=0, solver="lowrank")
    assert not pseudo2d.inverted and not with_sigma.inverted


@pytest.mark.parametrize("solver, kind", [("dense", "dense"), ("band", "band"), ("cholmod", "sparse"),
                                          ("lowrank", "lowrank")])
def test_the_plan_describes_the_system_its_solver_names(solver, kind):
    """One bound constructor per system: the core's Iteration builds what the plan describes."""
    data = _synthetic((6, 5), parameters={"maxloop": 3})
    model = data.penalty_model
    plan = plan_inversion(data.system, model, "compiled", solver, 3, np.size(data.data))
    described = prepare_system(plan, data.system, model.stencil_reach).linear_system()
    assert isinstance(described, _core.SystemDescription) and described.kind == kind
    it = _core.Iteration(model, y=np.ravel(data.Y), maxloop=3, conv_limit=0.0, system=described)
    it.start_from_solve()
    it.run(None)
    data.invert(verbose=0, solver=solver)
    np.testing.assert_allclose(it.g, np.ravel(data.g, order="F"), rtol=0, atol=1e-10 * np.abs(data.g).max())
    with pytest.raises(TypeError):
        _core.Iteration(model, y=np.ravel(data.Y), maxloop=3, conv_limit=0.0, system=solver)


@pytest.mark.parametrize("n_tau", [(30, 24), (12, 10, 8)], ids=["2d", "3d"])
def test_single_precision_factor_gives_the_double_precision_inversion(n_tau):
    """CG's solves with Γ factored in single precision (the default) precondition the exact
    system: the same g as with the double-precision factor to rounding, not bit for bit."""
    data = _synthetic(n_tau, parameters={"maxloop": 40})
    model = data.penalty_model
    plan = plan_inversion(data.system, model, "compiled", "lowrank", 3, np.size(data.data))
    basis = prepare_system(plan, data.system, model.stencil_reach).basis
    g = {}
    for single in (True, False):
        system = _core.low_rank_system(basis.w_factors, basis.A, np.zeros(len(basis.kept)), rtol=LOW_RANK_RTOL,
                                       max_steps=LOW_RANK_MAX_STEPS, single_precision=single)
        it = _core.Iteration(model, y=np.ravel(data.Y), maxloop=40, conv_limit=0.0, system=system)
        it.start_from_solve()
        it.run(None)
        g[single] = it.g
    assert 0 < relative_error(g[True], g[False]) <= 1e-9


def _gamma_pattern(data):
    """Γ of `data`'s first iteration (CSC, both triangles) and its assembler."""
    assembler = _core.PenaltyAssembler(data.penalty_model)
    assembler.assemble(np.ones(data.penalty_model.size), 1)
    values, indices, indptr = assembler.gamma_csc()
    n = data.penalty_model.size
    return sp.csc_array((values, indices, indptr), shape=(n, n)), assembler


@settings(max_examples=25, deadline=None)
@given(n_tau=st.lists(st.integers(2, 14), min_size=2, max_size=3))
def test_grid_dissection_orders_every_point_once_and_separates_its_halves(n_tau):
    # The low-rank form's elimination order: one half of the grid, the other, then a slab as
    # thick as the stencil's reach between them.  Without the order's last points (that slab),
    # Γ's graph falls apart into the halves, each one stretch of the order.
    from scipy.sparse.csgraph import connected_components

    data = _synthetic(tuple(n_tau), shape=tuple(n + 3 for n in n_tau))
    gamma, assembler = _gamma_pattern(data)
    order = assembler.dissection_order()
    n = gamma.shape[0]
    np.testing.assert_array_equal(np.sort(order), np.arange(n))
    if n <= 64:  # one box: the grid's own order
        np.testing.assert_array_equal(order, np.arange(n))
        return
    permuted = sp.csr_array(gamma[order][:, order])

    def parts(kept):
        return connected_components(permuted[:kept, :kept], directed=False)

    low, high = n // 2, n  # the fewest points kept that still hang together; the slab is the rest
    assert parts(low)[0] >= 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if parts(middle)[0] >= 2 else (low, middle)
    _, labels = parts(low)
    first = np.unique(labels, return_index=True)[1]
    assert np.all(np.diff(np.sort(first)) > 0)
    # each part one stretch: its label changes once, where the next part begins
    assert np.count_nonzero(np.diff(labels)) == len(first) - 1


def _canonical(a):
    a = sp.csc_array(a)
    a.sort_indices()
    return a.indptr.astype(np.int64), a.indices.astype(np.int64), a.shape[0]


@pytest.mark.skipif(not _core.HAVE_CHOLMOD, reason="CHOLMOD orders and factors Γ")
def test_grid_dissection_fills_as_little_as_a_graph_partitioner():
    # T1-T2-D's Γ: as small a factor as CHOLMOD's nested dissection (METIS's bisections, CAMD
    # within) finds by partitioning the graph, and far smaller than AMD's.
    gamma, assembler = _gamma_pattern(_synthetic((16, 16, 12)))
    pattern = _canonical(gamma)
    size = {o: _linalg.CholmodSolver(*pattern, ordering=o).factor_nnz for o in ("amd", "nesdis")}
    grid = _linalg.CholmodSolver(*pattern, ordering=assembler.dissection_order()).factor_nnz
    assert grid <= 1.05 * size["nesdis"] and grid < 0.8 * size["amd"]
