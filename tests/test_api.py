"""The public API behaves as ILTpy's: parameters, re-initialisation, kernels, solvers,
initial guesses, stored iterates, loading, and the attributes left by ``invert``.
"""

import json
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

import fastilt as ilt
from reference_cases import CASES, initialised_case, reference, relative_error

TOLERANCE = 1e-6


def quiet_init(data, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        data.init(*args, **kwargs)
    return data


def quiet_case(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return initialised_case(name)


def diffusion():
    ref = reference("1d_diffusion")
    return ilt.iltload(data=ref["data"], t=ref["t0"]), ref


def assert_reference(data, ref):
    assert relative_error(data.g, ref["g"]) <= TOLERANCE
    assert relative_error(data.fit, ref["fit"]) <= TOLERANCE
    assert relative_error(data.residuals, ref["residuals"]) <= TOLERANCE


# ------------------------------------------------------------------ .param round trip
@pytest.mark.parametrize("as_path", [False, True])
def test_parameter_file_round_trip(tmp_path, as_path):
    name = "1d_exponential_params"
    parameters = CASES[name]["params"]
    ref = reference(name)
    path = tmp_path / "fit.param"
    with path.open("w") as handle:
        json.dump(parameters, handle)

    from_dict = ilt.iltload(data=ref["data"], t=ref["t0"])
    from_dict.init(ref["tau0"], ilt.Exponential(), parameters=dict(parameters))
    from_dict.invert(verbose=0)
    from_file = ilt.iltload(data=ref["data"], t=ref["t0"])
    from_file.init(ref["tau0"], ilt.Exponential(), parameters=path if as_path else str(path))
    from_file.invert(verbose=0)

    assert from_file.user_parameters == parameters
    for key, value in parameters.items():
        assert from_file.fit_dict[key] == value
    np.testing.assert_array_equal(from_file.g, from_dict.g)
    assert_reference(from_file, ref)
    assert len(from_file.convergence) == parameters["maxloop"] == 60


# ------------------------------------------------------------------- reinitialize
def test_second_init_keeps_earlier_settings():
    data, ref = diffusion()
    sigma = np.full(64, 2.0)
    data.init(ref["tau0"], ilt.Diffusion(), parameters={"maxloop": 3}, sigma=sigma)
    data.init(parameters={"nn": True})  # no tau, no kernel: both kept, as in ILTpy
    assert data.maxloop == 3 and data.nn is True
    assert data.kernel[0].name == "_diffusion_"
    np.testing.assert_array_equal(data.tau[0].ravel(), ref["tau0"])
    np.testing.assert_array_equal(data.sigma, sigma)
    assert data.user_parameters == {"nn": True}  # the parameters of this call only
    data.invert(verbose=0)
    assert len(data.convergence) == 3

    tau2 = np.logspace(-12, -8, 40)
    data.init(tau2)  # a new tau keeps the parameters
    assert data.maxloop == 3 and data.nn is True and data.Nx[0] == 40


def test_reinitialize_true_resets_to_defaults():
    data, ref = diffusion()
    data.init(ref["tau0"], ilt.Diffusion(), parameters={"maxloop": 3, "nn": True, "alpha_00": 3.0},
              sigma=np.full(64, 2.0))
    data.invert(verbose=0)
    data.init(ref["tau0"], ilt.Diffusion(), reinitialize=True)
    assert data.maxloop == 100 and data.nn is False and data.sigma is None
    assert data.user_parameters is None
    data.invert(verbose=0)
    assert_reference(data, ref)  # exactly the default inversion again


def test_reinitialize_true_resets_kernel_and_tau():
    data, ref = diffusion()
    data.init(ref["tau0"], ilt.Diffusion(), parameters={"maxloop": 3})
    with pytest.raises(ValueError, match="No kernel was specified"):
        data.init(reinitialize=True)  # the kernel is back to the placeholder
    assert data.maxloop == 3  # the failed init changed nothing
    with pytest.raises(ValueError, match=r"tau\[0\] must be given"):
        data.init(kernel=ilt.Diffusion(), reinitialize=True)  # tau reset too


def test_reinitialize_on_a_fresh_object_is_the_default():
    data, ref = diffusion()
    data.init(ref["tau0"], ilt.Diffusion(), reinitialize=True)
    data.invert(verbose=0)
    assert_reference(data, ref)


# --------------------------------------------------------------------- kernels
def test_user_kernel_subclass_matches_reference():
    from fastilt.fit.kernels import IltKernel

    class StretchedExp(IltKernel):
        def __init__(self):
            self.name = "stretched_exp_0.5"
            self.kernel = lambda t, tau: np.exp(-t / tau) ** 0.5
            self.kernel_str = "lambda t, tau: np.exp(-t / tau) ** 0.5"

    ref = reference("1d_custom_stretched")
    data = ilt.iltload(data=ref["data"], t=ref["t0"])
    with pytest.warns(UserWarning, match=r"base_tau\[0\] is 1"):
        data.init(ref["tau0"], StretchedExp())
    assert data.base_tau == [1]
    data.invert(verbose=0)
    assert_reference(data, ref)
    assert data.kernel[0].kernel_str == "lambda t, tau: np.exp(-t / tau) ** 0.5"


@pytest.mark.parametrize(
    "case,name",
    [("1d_diffusion", "_diffusion_"), ("1d_real_rc", "_real_rc_kernel_"), ("1d_imag_rc", "_imag_rc_kernel_")],
)
def test_kernel_by_string_name(case, name):
    ref = reference(case)
    data = ilt.iltload(data=ref["data"], t=ref["t0"])
    data.init(ref["tau0"], name)
    assert data.kernel[0].name == name
    data.invert(verbose=0)
    assert_reference(data, ref)


def test_kernel_names_by_string_2d():
    ref = reference("2d_exponential_nn")
    data = ilt.iltload(data=ref["data"], t=[ref["t0"], ref["t1"]])
    quiet_init(data, [ref["tau0"], ref["tau1"]], ["_exponential_", "_exponential_"], parameters={"nn": True})
    assert [k.name for k in data.kernel] == ["_exponential_", "_exponential_"]
    data.invert(verbose=0)
    assert_reference(data, ref)


@pytest.mark.parametrize(
    "kernel,expected",
    [
        (ilt.Exponential(), lambda t, tau: np.exp(-t / tau)),
        (ilt.Diffusion(), lambda b, d: np.exp(-b * d)),
        (ilt.Gaussian(), lambda t, tau: np.exp(-(t**2) / (2 * tau**2))),
        (ilt.RealRcKernel(), lambda f, tau: 1 / (1 + (2 * np.pi * f * tau) ** 2)),
        (ilt.ImagRcKernel(), lambda f, tau: -2 * np.pi * f * tau / (1 + (2 * np.pi * f * tau) ** 2)),
    ],
)
def test_builtin_kernel_functions(kernel, expected):
    t = np.logspace(-2, 1, 7).reshape(1, -1)
    tau = np.logspace(-1, 1, 5).reshape(-1, 1)
    K = kernel.kernel(t, tau)
    assert K.shape == (5, 7)
    np.testing.assert_allclose(K, expected(t, tau), rtol=1e-12, atol=1e-15)
    assert isinstance(kernel.name, str) and isinstance(kernel.kernel_str, str)
    # the docs build the forward matrix the other way round: t as a column, tau as a row
    np.testing.assert_allclose(kernel.kernel(t.T, tau.ravel()), K.T, rtol=1e-12, atol=1e-15)


def test_identity_kernel_added_for_pseudo_dimensions():
    ref = reference("pseudo2d_exponential_8x128")
    data = ilt.iltload(data=ref["data"], t=ref["t0"])
    data.init(ref["tau0"], ilt.Exponential(), parameters={"maxloop": 1})
    assert [k.name for k in data.kernel] == ["_exponential_", "_identity_"]
    np.testing.assert_array_equal(data.tau[1].ravel(), np.arange(1, 129))
    assert list(data.Nx) == [35, 128]


# --------------------------------------------------------------------- solvers
def test_custom_solver_callable():
    data, ref = diffusion()
    data.init(ref["tau0"], ilt.Diffusion())
    calls = []

    def solver(A, b):
        calls.append((A.shape, np.shape(b)))
        return spla.spsolve(sp.csc_matrix(A), b)

    data.invert(solver=solver, verbose=0)
    assert_reference(data, ref)
    assert data.solver_type == "user-defined"
    n = data.Nxtot
    assert len(calls) == sum(c is not None for c in data.convergence) + 1  # + the initial solve
    for A_shape, b_shape in calls:
        assert A_shape == (n, n)
        assert b_shape[0] == n and int(np.prod(b_shape)) == n


def test_custom_solver_lambda_as_in_the_docs():
    data, ref = diffusion()
    data.init(ref["tau0"], ilt.Diffusion())
    data.invert(solver=lambda A, b: spla.spsolve(sp.csc_matrix(A), b), verbose=0)
    assert_reference(data, ref)


# --------------------------------------------------------------------- g_guess
def test_g_guess_from_reference_converges():
    name = "1d_diffusion"
    ref = reference(name)
    data = initialised_case(name)
    data.init(g_guess=ref["g"], parameters={"store_g": True})
    np.testing.assert_array_equal(data.g_guess, ref["g"])
    data.invert(verbose=0)
    np.testing.assert_array_equal(data.g_list[0], ref["g"])  # the path starts at the guess
    done = [c for c in data.convergence if c is not None]
    assert done[0] != pytest.approx(ref["convergence"][0], rel=1e-3)  # a different path
    assert relative_error(data.g, ref["g"]) < 1e-3  # ... to the same solution
    assert relative_error(data.fit, ref["fit"]) < 1e-4


def test_g_guess_2d_in_fortran_order():
    ref = reference("2d_exponential_nn")
    g = ref["g"]
    results = {}
    for label, guess in [("2d", g), ("F", g.ravel(order="F")), ("C", g.ravel(order="C"))]:
        data = ilt.iltload(data=ref["data"], t=[ref["t0"], ref["t1"]])
        quiet_init(data, [ref["tau0"], ref["tau1"]], [ilt.Exponential()] * 2,
                   parameters={"nn": True, "maxloop": 3, "store_g": True}, g_guess=guess)
        np.testing.assert_array_equal(data.g_guess, g.ravel(order="F") if label != "C" else guess)
        data.invert(verbose=0)
        results[label] = data
    np.testing.assert_array_equal(results["2d"].g_list[0], g)
    np.testing.assert_array_equal(results["2d"].g, results["F"].g)
    assert not np.allclose(results["C"].g_list[0], g)
    assert not np.allclose(results["C"].g, results["F"].g)


# ---------------------------------------------------------- store_g / store_gamma
def test_store_g_and_gamma_lengths_with_early_stop():
    name = "2d_exponential_nn"  # stops after 84 of 100 iterations
    data = quiet_case(name)
    quiet_init(data, parameters={"store_g": True, "store_gamma": True})
    data.invert(verbose=0)
    iterations = sum(c is not None for c in data.convergence)
    assert iterations == CASES[name]["iterations"] == 84
    assert len(data.g_list) == len(data.gamma_list) == iterations + 1
    np.testing.assert_array_equal(data.g_list[-1], data.g)
    assert all(g.shape == tuple(data.Nx) for g in data.g_list)
    assert all(sp.issparse(G) and G.shape == (data.Nxtot, data.Nxtot) for G in data.gamma_list)
    assert abs(data.gamma_list[-1] - data.Gamma2).max() == 0
    # the first stored Γ is the initial alpha_00 I / mean(alpha_0)
    np.testing.assert_allclose(data.gamma_list[0].diagonal(), 1 / 1e-4)


def test_store_g_off_by_default():
    data, ref = diffusion()
    data.init(ref["tau0"], ilt.Diffusion(), parameters={"maxloop": 5, "store_g": True})
    data.invert(verbose=0)
    assert len(data.g_list) == 6 and not hasattr(data, "gamma_list")
    data.init(parameters={"store_g": False})
    fresh, _ = diffusion()
    fresh.init(ref["tau0"], ilt.Diffusion(), parameters={"maxloop": 5})
    fresh.invert(verbose=0)
    assert not hasattr(fresh, "g_list") and not hasattr(fresh, "gamma_list")


# --------------------------------------------------------------------- dim_ndim
def test_dim_ndim_sets_the_pseudo_dimension_grid():
    ref = reference("pseudo2d_exponential_dim_ndim")
    dim_ndim = ref["dim_ndim"]
    with_grid = ilt.iltload(data=ref["data"], t=ref["t0"])
    with_grid.init(ref["tau0"], ilt.Exponential(), dim_ndim=dim_ndim, parameters={"maxloop": 2})
    np.testing.assert_array_equal(with_grid.t[1].ravel(), dim_ndim)
    np.testing.assert_array_equal(with_grid.tau[1].ravel(), dim_ndim)
    np.testing.assert_array_equal(with_grid.dim_ndim, dim_ndim)
    assert with_grid.Delta_Q[1] == pytest.approx((dim_ndim[-1] - dim_ndim[-2]) * np.log(10))
    plain = ilt.iltload(data=ref["data"], t=ref["t0"])
    plain.init(ref["tau0"], ilt.Exponential(), parameters={"maxloop": 2})
    np.testing.assert_array_equal(plain.tau[1].ravel(), np.arange(1, 97))
    assert plain.Delta_Q[1] == pytest.approx(np.log(10))
    with_grid.invert(verbose=0)
    plain.invert(verbose=0)
    assert with_grid.g.shape == plain.g.shape == (35, 96)
    assert not np.allclose(with_grid.g, plain.g)  # the grid spacing enters the penalty


def test_dim_ndim_ignored_for_1d_data():
    data, ref = diffusion()
    data.init(ref["tau0"], ilt.Diffusion(), dim_ndim=np.arange(3.0), parameters={"maxloop": 2})
    np.testing.assert_array_equal(data.t[0].ravel(), ref["t0"])


# --------------------------------------------------------------------- iltload
@pytest.mark.parametrize("as_str", [True, False])
def test_iltload_folder_1d(tmp_path, as_str):
    ref = reference("1d_diffusion")
    np.savetxt(tmp_path / "data.txt", ref["data"])
    np.savetxt(tmp_path / "dim1.txt", ref["t0"])
    data = ilt.iltload(data_path=str(tmp_path) if as_str else tmp_path)
    assert data.dataset_type == "TXT"
    assert data.filepath == tmp_path.resolve()
    np.testing.assert_allclose(data.data, ref["data"], rtol=1e-15)
    data.init(ref["tau0"], ilt.Diffusion())
    data.invert(verbose=0)
    assert_reference(data, ref)


def test_iltload_folder_2d(tmp_path):
    ref = reference("2d_exponential_nn")
    np.savetxt(tmp_path / "data.txt", ref["data"])
    np.savetxt(tmp_path / "dim1.txt", ref["t0"])
    np.savetxt(tmp_path / "dim2.txt", ref["t1"])
    data = ilt.iltload(data_path=tmp_path)
    assert data.data.shape == (32, 24)
    np.testing.assert_allclose(data.t[1], ref["t1"], rtol=1e-15)
    assert data.user_t_spec == [True, True]


def test_iltload_f_alias():
    ref = reference("1d_real_rc")
    data = ilt.iltload(data=ref["data"], f=ref["t0"])
    np.testing.assert_array_equal(data.t[0], ref["t0"])
    data.init(ref["tau0"], ilt.RealRcKernel())
    data.invert(verbose=0)
    assert_reference(data, ref)


def test_iltload_t_wins_over_f():
    ref = reference("1d_real_rc")
    data = ilt.iltload(data=ref["data"], t=ref["t0"], f=ref["t0"][::-1])
    np.testing.assert_array_equal(data.t[0], ref["t0"])


def test_iltload_accepts_a_list_of_numbers_and_a_column_t():
    ref = reference("1d_diffusion")
    from_list = ilt.iltload(data=list(ref["data"]), t=list(ref["t0"]))
    column = ilt.iltload(data=ref["data"], t=ref["t0"].reshape(-1, 1))
    np.testing.assert_array_equal(from_list.t[0], ref["t0"])
    np.testing.assert_array_equal(column.t[0], ref["t0"])


@pytest.mark.parametrize(
    "shape,t_for",
    [((64, 1), "column"), ((1, 64), "row"), ((1, 64, 1), "row3")],
)
def test_size_one_dimensions_squeezed(shape, t_for):
    ref = reference("1d_diffusion")
    t = ref["t0"]
    if t_for == "column":
        dims = t
    elif t_for == "row":
        dims = [np.ones(1), t]
    else:
        dims = [np.ones(1), t, np.ones(1)]
    data = ilt.iltload(data=ref["data"].reshape(shape), t=dims)
    assert data.data.shape == (64,)
    np.testing.assert_array_equal(data.t[0], t)
    data.init(ref["tau0"], ilt.Diffusion())
    data.invert(verbose=0)
    assert_reference(data, ref)


def test_size_one_dimension_squeezed_3d_to_2d():
    ref = reference("2d_exponential_nn")
    data = ilt.iltload(data=ref["data"][:, None, :], t=[ref["t0"], np.ones(1), ref["t1"]])
    assert data.data.shape == (32, 24)
    np.testing.assert_array_equal(data.t[1], ref["t1"])


def test_missing_t_of_pseudo_dimension_filled():
    ref = reference("pseudo2d_exponential_8x128")
    data = ilt.iltload(data=ref["data"], t=ref["t0"])
    assert data.user_t_spec == [True, False]
    np.testing.assert_array_equal(data.t[1], np.arange(1, 129))
    three = ilt.iltload(data=np.ones((5, 3, 4)), t=[np.arange(1.0, 6)])
    np.testing.assert_array_equal(three.t[1], [1, 2, 3])
    np.testing.assert_array_equal(three.t[2], [1, 2, 3, 4])
    assert three.user_t_spec == [True, False, False]


# -------------------------------------------------------------- generated tau, sb
@pytest.mark.parametrize("kernel", [ilt.Exponential(), ilt.Gaussian()])
def test_generated_tau_warns(kernel):
    ref = reference("1d_exponential_default")
    data = ilt.iltload(data=ref["data"], t=ref["t0"])
    with pytest.warns(UserWarning, match=r"tau\[0\] was not specified"):
        data.init(kernel=kernel, parameters={"maxloop": 1})
    tau = data.tau[0].ravel()
    t = ref["t0"]
    t_min = t.min() if t.min() > 0 else np.mean(np.diff(t))
    np.testing.assert_allclose(tau, np.logspace(np.log10(t_min / 1000), np.log10(t.max() * 100), 100))


def test_generated_tau_2d_warns_per_dimension():
    ref = reference("2d_exponential_nn")
    data = ilt.iltload(data=ref["data"], t=[ref["t0"], ref["t1"]])
    with pytest.warns(UserWarning) as record:
        data.init([ref["tau0"]], [ilt.Exponential(), ilt.Exponential()], parameters={"maxloop": 1})
    messages = [str(w.message) for w in record]
    assert any("tau[1] was not specified" in m for m in messages)
    assert not any("tau[0] was not specified" in m for m in messages)
    assert list(data.Nx) == [20, 100]
    np.testing.assert_array_equal(data.tau[0].ravel(), ref["tau0"])


def test_static_baseline_reset_in_2d():
    ref = reference("2d_exponential_nn")
    data = ilt.iltload(data=ref["data"], t=[ref["t0"], ref["t1"]])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        data.init([ref["tau0"], ref["tau1"]], [ilt.Exponential()] * 2, parameters={"sb": True, "maxloop": 1})
    assert any(issubclass(w.category, UserWarning) and "sb" in str(w.message) for w in record)
    assert data.sb == [False, False]
    assert list(data.Nx) == list(data.Nx0) == [20, 18]


def test_static_baseline_1d_adds_one_unknown():
    data, ref = diffusion()
    data.init(ref["tau0"], ilt.Diffusion(), parameters={"sb": True, "maxloop": 2})
    assert data.sb == [True] and data.Nxtot == 81
    data.invert(verbose=0)
    assert data.g.shape == (81,)


# -------------------------------------------------------------- results after invert
def test_attributes_after_invert_1d():
    data, ref = diffusion()
    data.init(ref["tau0"], ilt.Diffusion())
    assert not data.inverted and data.initialized
    data.invert(verbose=0)
    assert data.inverted
    assert_reference(data, ref)
    n = 80
    assert data.g.shape == (n,) and data.fit.shape == data.data.shape == (64,)
    np.testing.assert_array_equal(data.residuals, data.fit - data.data)
    K = ilt.Diffusion().kernel(data.t[0], data.tau[0])
    np.testing.assert_allclose(data.fit, K.T @ data.g, rtol=1e-12)
    assert len(data.convergence) == data.maxloop == 100
    assert all(c is not None for c in data.convergence)
    assert isinstance(data.inversion_time, float) and data.inversion_time >= 0
    assert data.W.shape == (n, n) and np.shape(data.Y) in ((n, 1), (n,))
    assert sp.issparse(data.Gamma2) and data.Gamma2.shape == (n, n)
    assert list(data.Nx) == [n] and data.Nxtot == n
    assert data.t[0].shape == (1, 64) and data.tau[0].shape == (n, 1)
    assert isinstance(data.kernel, list) and data.kernel[0].name == "_diffusion_"


def test_attributes_after_early_stop_2d():
    name = "2d_exponential_nn"
    ref = reference(name)
    data = quiet_case(name)
    data.invert(verbose=0)
    assert_reference(data, ref)
    iterations = CASES[name]["iterations"]
    assert len(data.convergence) == data.maxloop == 100
    assert all(isinstance(c, float) for c in data.convergence[:iterations])
    assert data.convergence[iterations - 1] < data.conv_limit
    assert all(c is None for c in data.convergence[iterations:])
    assert data.g.shape == tuple(data.Nx) == (20, 18) and data.Nxtot == 360
    assert data.fit.shape == data.residuals.shape == (32, 24)
    np.testing.assert_array_equal(data.residuals, data.fit - data.data)
    K0 = ilt.Exponential().kernel(data.t[0], data.tau[0])
    K1 = ilt.Exponential().kernel(data.t[1], data.tau[1])
    np.testing.assert_allclose(data.fit, K0.T @ data.g @ K1, rtol=1e-10)
    assert [t.shape for t in data.t] == [(1, 32), (1, 24)]
    assert [tau.shape for tau in data.tau] == [(20, 1), (18, 1)]
    assert data.W.shape == (360, 360) and data.Gamma2.shape == (360, 360)


def test_invert_twice_is_repeatable():
    data, ref = diffusion()
    data.init(ref["tau0"], ilt.Diffusion(), parameters={"maxloop": 5})
    data.invert(verbose=0)
    first = data.g.copy(), list(data.convergence)
    data.invert(verbose=0)
    np.testing.assert_array_equal(data.g, first[0])
    assert data.convergence == first[1]


def test_vbc_is_formed_on_first_use_and_follows_a_new_init():
    data, ref = diffusion()
    data.init(ref["tau0"], ilt.Diffusion())
    assert "Vbc" not in vars(data)
    np.testing.assert_array_equal(data.Vbc.diagonal(), data.penalty_model.boundary)
    first = data.Vbc.diagonal().copy()
    assert first.max() > 0
    quiet_init(data, parameters={"alpha_bc": 100})
    np.testing.assert_allclose(data.Vbc.diagonal(), 2 * first)


def test_gamma2_of_the_core_is_formed_when_read_and_belongs_to_the_last_inversion():
    data, ref = diffusion()
    data.init(ref["tau0"], ilt.Diffusion())
    with pytest.raises(AttributeError, match="invert"):
        data.Gamma2  # noqa: B018
    data.invert(verbose=0, backend="compiled")
    assert "Gamma2" not in vars(data)
    compiled = data.Gamma2
    assert sp.issparse(compiled) and compiled.shape == (80, 80)
    assert data.Gamma2 is compiled  # formed once
    data.invert(verbose=0, backend="python")
    python = data.Gamma2
    assert python is not compiled
    np.testing.assert_allclose(python.toarray(), compiled.toarray(), rtol=1e-6, atol=1e-9 * abs(python).max())
    data.invert(verbose=0, backend="compiled")
    assert data.Gamma2 is not python  # the new inversion's, not the one read before
    copy = data.with_data(data.data)
    with pytest.raises(AttributeError):
        copy.Gamma2  # noqa: B018
