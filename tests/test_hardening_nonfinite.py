"""Values that pass their range checks but make the arithmetic overflow, and NaN from a user solver.

Caught up front where cheap; otherwise the iteration (C++ loop, Python loop
and NumPy fallback alike) stops at the first NaN or infinite Γ or g with a
``NonFiniteError`` naming the iteration and the likely cause, and stores nothing.
"""

import warnings

import numpy as np
import pytest

import fastilt as ilt
from fastilt import _core
from fastilt.errors import NonFiniteError
from fastilt.problem.driver import relative_change
from reference_cases import reference

REF = reference("1d_diffusion")
DATA, T, TAU = REF["data"], REF["t0"], REF["tau0"]

BACKENDS = ["compiled", "python"]
SOLVERS = [("compiled", "dense"), ("compiled", "band"), ("compiled", "superlu"), ("python", None)]
if _core.HAVE_CHOLMOD:
    SOLVERS.append(("compiled", "cholmod"))


def initialised(data=DATA, parameters=None, **arrays):
    iltdata = ilt.iltload(data=data, t=T)
    iltdata.init(TAU, ilt.Diffusion(), parameters={"maxloop": 20, **(parameters or {})}, **arrays)
    return iltdata


def test_the_error_is_a_floating_point_and_a_value_error():
    assert issubclass(NonFiniteError, FloatingPointError) and issubclass(NonFiniteError, ValueError)


# ------------------------------------------------------------------------- up front
@pytest.mark.parametrize("alpha_0", [1e-310, 1e-320, 5e-324])
def test_denormal_alpha_0(alpha_0):
    data = ilt.iltload(data=DATA, t=T)
    with pytest.raises(NonFiniteError, match=rf"^alpha_0 = {alpha_0:g} is too small .* 1/\(alpha_0·ΔQ⁵\) overflow"):
        data.init(TAU, ilt.Diffusion(), parameters={"alpha_0": alpha_0})
    assert not data.initialized


def test_tiny_alpha_0_on_a_fine_grid():
    """alpha_0·ΔQ⁵ underflows although alpha_0 itself is a normal number."""
    tau = np.logspace(-4, 1, 80000)  # ΔQ = 1.4e-4, ΔQ⁵ = 6e-20
    data = ilt.iltload(data=DATA, t=T)
    with pytest.raises(NonFiniteError, match=r"^alpha_0 = 1e-300 is too small for this tau grid"):
        data.init(tau, ilt.Diffusion(), parameters={"alpha_0": 1e-300})


def test_alpha_00_over_alpha_0_overflows():
    with pytest.raises(NonFiniteError, match=r"^alpha_00 / mean\(alpha_0\) = 1e\+300 / 1e-10 overflows"):
        initialised(parameters={"alpha_00": 1e300, "alpha_0": 1e-10})


@pytest.mark.parametrize("alt_g", [0, 4])
def test_tiny_sigma(alt_g):
    sigma = np.ones(DATA.shape)
    sigma[7] = 1e-200
    with pytest.raises(NonFiniteError, match=r"^sigma\[7\] = 1e-200 is so small that the weight 1/sigma² overflows"):
        initialised(sigma=sigma, parameters={"alt_g": alt_g})


@pytest.mark.parametrize("core", ["compiled", "numpy"])
@pytest.mark.parametrize(
    "values, finite",
    [
        (np.linspace(-1, 1, 37), True),
        (np.full(40, 1e307), True),  # the sum overflows, the values do not
        (np.array([1.0, np.nan, 2.0]), False),
        (np.array([np.inf, 1.0]), False),
        (np.array([-np.inf]), False),
        (np.zeros(0), True),
        (np.array(3.0), True),
        (np.arange(12.0).reshape(3, 4)[:, ::2], True),  # not contiguous
        (np.array([1e38, np.inf], dtype=np.float32), False),
    ],
    ids=["finite", "huge", "nan", "inf", "-inf", "empty", "0-d", "strided", "float32"],
)
def test_all_finite_decides_without_warnings(values, finite, core, monkeypatch):
    from fastilt import validation

    if core == "numpy":
        monkeypatch.setattr(validation, "_compiled_row_summary", None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert validation.all_finite(values) is finite


def test_data_near_the_float_maximum():
    data = ilt.iltload(data=DATA * 1e306, t=T)
    with pytest.raises(NonFiniteError, match=r"^Y overflows: the data .* unit standard deviation"):
        data.init(TAU, ilt.Diffusion())
    assert not data.initialized


def test_data_near_the_float_maximum_data_space_form():
    """alt_g 6 forms Y only when the compiled inversion starts: the check is there too."""
    data = initialised(data=DATA * 1e306, parameters={"alt_g": 6})
    with pytest.raises(NonFiniteError, match=r"^Y overflows: the data .* unit standard deviation$"):
        data.invert(verbose=0, backend="compiled")
    assert not data.inverted


# ------------------------------------------------------------------- in the iteration
@pytest.mark.parametrize("backend,solver", SOLVERS)
@pytest.mark.parametrize(
    "data,parameters,value",
    [(DATA * 1e200, {}, "|data| up to 3.4e+201"), (DATA, {"alpha_00": 1e300}, "alpha_00 = 1e+300")],
    ids=["huge-data", "huge-alpha_00"],
)
def test_gamma_overflow_stops_at_iteration_0(backend, solver, data, parameters, value):
    iltdata = initialised(data=data, parameters=parameters)
    with np.errstate(all="ignore"):
        with pytest.raises(NonFiniteError, match=r"^Gamma is NaN or infinite at iteration 0; likely cause: the "
                           r"regularisation weights overflow") as info:
            iltdata.invert(verbose=0, backend=backend, solver=solver)
    assert value in str(info.value) and "No result was stored" in str(info.value)
    assert (info.value.quantity, info.value.iteration) == ("Gamma", 0)
    assert not iltdata.inverted and "g" not in vars(iltdata) and "convergence" not in vars(iltdata)


class NaNSolver:
    """A user solver that returns NaN (or inf) from its ``fail_at``-th call on."""

    def __init__(self, fail_at, bad=np.nan):
        self.fail_at, self.bad, self.calls = fail_at, bad, 0

    def __call__(self, A, b):
        self.calls += 1
        x = np.linalg.solve(A.toarray() if hasattr(A, "toarray") else A, b).ravel()
        if self.calls >= self.fail_at:
            x[3] = self.bad
        return x


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_user_solver_returning_nan_stops_at_once(backend, bad):
    iltdata = initialised(parameters={"maxloop": 50})
    solver = NaNSolver(fail_at=4, bad=bad)  # calls: start, iterations 0, 1, 2
    with pytest.raises(NonFiniteError, match=r"^g is NaN or infinite at iteration 2; likely cause: the user "
                       r"solver returned NaN or inf") as info:
        iltdata.invert(verbose=0, backend=backend, solver=solver)
    assert solver.calls == 4  # not one solve more
    assert (info.value.quantity, info.value.iteration) == ("g", 2)
    assert not iltdata.inverted and "g" not in vars(iltdata)


@pytest.mark.parametrize("backend", BACKENDS)
def test_user_solver_returning_nan_at_the_start(backend):
    iltdata = initialised()
    with pytest.raises(NonFiniteError, match=r"^g is NaN or infinite at the start; likely cause: the user solver"):
        iltdata.invert(verbose=0, backend=backend, solver=NaNSolver(fail_at=1))


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_failed_inversion_keeps_the_previous_results(backend):
    iltdata = initialised()
    iltdata.invert(verbose=0, backend=backend)
    g, fit, convergence = iltdata.g.copy(), iltdata.fit.copy(), iltdata.convergence
    with pytest.raises(NonFiniteError):
        iltdata.invert(verbose=0, backend=backend, solver=NaNSolver(fail_at=3))
    assert iltdata.inverted and iltdata.convergence is convergence
    np.testing.assert_array_equal(iltdata.g, g)
    np.testing.assert_array_equal(iltdata.fit, fit)


@pytest.mark.parametrize("backend", BACKENDS)
def test_store_g_keeps_no_partial_list(backend):
    iltdata = initialised(parameters={"store_g": True})
    with pytest.raises(NonFiniteError):
        iltdata.invert(verbose=0, backend=backend, solver=NaNSolver(fail_at=3))
    assert "g_list" not in vars(iltdata)


def test_the_compiled_iteration_checks_every_iterate():
    """A NaN solution handed to the C++ loop (as the SuperLU fallback does) is refused there."""
    iltdata = initialised()
    it = _core.Iteration(iltdata.penalty_model, y=np.ravel(iltdata.Y), maxloop=5, conv_limit=0.0,
                         system=_core.dense_system(iltdata.system.W))
    it.start_from_solve()
    g = np.array(it.g)
    bad = g.copy()
    bad[0] = np.nan
    with pytest.raises(NonFiniteError, match="^g is NaN or infinite at iteration 0$") as info:
        it.complete(bad)
    assert (info.value.quantity, info.value.iteration) == ("g", 0)
    np.testing.assert_array_equal(it.g, g)  # the last finite iterate is kept
    assert list(it.convergence) == []


# --------------------------------------------------------------------- relative change
def test_relative_change_of_zero_is_zero_and_of_vanishing_g_is_infinite():
    assert relative_change(np.zeros(4), np.zeros(4)) == 0.0
    assert relative_change(np.zeros(4), np.ones(4)) == np.inf


def test_relative_change_of_a_huge_g_does_not_overflow():
    g = np.array([3e200, 4e200])
    assert relative_change(g, g / 2) == pytest.approx(0.5, rel=1e-15)
