"""Bad input raises a specific exception, with a specific message, before any heavy work.

Every case names its exact exception type.  Where ILTpy 1.0.0 raised a
different built-in type for the same mistake, fastilt's exception derives from
both (``fastilt.errors``), which is asserted too.
"""

import json
import warnings

import numpy as np
import pytest

import fastilt as ilt
from fastilt.errors import ArgumentTypeError, DataFilesNotFoundError
from reference_cases import reference

# 1d_diffusion: 64 points, 80 tau (Diffusion kernel); small and fast.
REF = reference("1d_diffusion")
DATA, T, TAU = REF["data"], REF["t0"], REF["tau0"]
# 2d_exponential_nn: 32 x 24 points, 20 x 18 tau.
REF2 = reference("2d_exponential_nn")
DATA2, T2, TAU2 = REF2["data"], [REF2["t0"], REF2["t1"]], [REF2["tau0"], REF2["tau1"]]


def loaded():
    return ilt.iltload(data=DATA, t=T)


def loaded_2d():
    return ilt.iltload(data=DATA2, t=T2)


def pseudo_2d():
    """8 x 10 pseudo-2D data (second dimension regularised, not inverted)."""
    t = np.linspace(0.01, 2, 8)
    data = np.exp(-t[:, None] / np.linspace(0.2, 1, 10)[None, :])
    return ilt.iltload(data=data, t=t), np.logspace(-2, 1, 12)


def with_nan(array, where=-1):
    array = np.array(array, dtype=float)
    array.flat[where] = np.nan
    return array


class Stretched(ilt.IltKernel):
    def __init__(self):
        self.name = "stretched"
        self.kernel = lambda t, tau: np.exp(-t / tau) ** 0.5
        self.kernel_str = "lambda t, tau: np.exp(-t / tau) ** 0.5"


# --------------------------------------------------------------------------- iltload
class TestIltload:
    def test_data_4d(self):
        with pytest.raises(ValueError, match=r"shape \(2, 3, 2, 2\) has 4 dimensions"):
            ilt.iltload(data=np.ones((2, 3, 2, 2)), t=[np.arange(1.0, n + 1) for n in (2, 3, 2, 2)])

    def test_data_4d_with_size_one_axis_is_3d(self):
        data = ilt.iltload(data=np.ones((4, 1, 3, 2)), t=np.arange(1.0, 5))
        assert data.data.shape == (4, 3, 2)
        np.testing.assert_array_equal(data.t[1], [1, 2, 3])

    def test_scalar_data(self):
        with pytest.raises(ValueError, match="got a scalar"):
            ilt.iltload(data=3.0, t=np.arange(1.0))

    def test_t_length_mismatch(self):
        with pytest.raises(ValueError, match=r"\(63\) along dimension 0 .* \(64\)"):
            ilt.iltload(data=DATA, t=T[:-1])

    def test_t_length_mismatch_second_dimension(self):
        with pytest.raises(ValueError, match=r"\(23\) along dimension 1 .* \(24\)"):
            ilt.iltload(data=DATA2, t=[T2[0], T2[1][:-1]])

    def test_more_t_than_dimensions(self):
        with pytest.raises(ValueError, match="2 sampling vectors given for 1-dimensional data"):
            ilt.iltload(data=DATA, t=[T, T])

    @pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
    def test_nonfinite_data(self, bad):
        data = DATA.copy()
        data[5] = bad
        with pytest.raises(ValueError, match="data contains 1 NaN or infinite"):
            ilt.iltload(data=data, t=T)

    @pytest.mark.parametrize("bad", [np.nan, np.inf])
    def test_nonfinite_t(self, bad):
        t = T.copy()
        t[3] = bad
        with pytest.raises(ValueError, match=r"t\[0\] contains 1 NaN or infinite"):
            ilt.iltload(data=DATA, t=t)

    def test_nonfinite_t_second_dimension(self):
        with pytest.raises(ValueError, match=r"t\[1\] contains 1 NaN"):
            ilt.iltload(data=DATA2, t=[T2[0], with_nan(T2[1])])

    def test_empty_data(self):
        with pytest.raises(ValueError, match="data is empty"):
            ilt.iltload(data=np.array([]), t=np.array([]))

    def test_empty_t(self):
        with pytest.raises(ValueError, match=r"t\[0\] is empty"):
            ilt.iltload(data=DATA, t=np.array([]))

    def test_complex_data(self):
        with pytest.raises(TypeError, match="data must be real"):
            ilt.iltload(data=DATA + 1j, t=T)

    def test_non_numeric_data(self):
        with pytest.raises(TypeError, match="data must be numeric"):
            ilt.iltload(data=np.array(["a"] * 64), t=T)

    def test_data_without_t(self):
        with pytest.raises(ValueError, match="`data` and `t`"):
            ilt.iltload(data=DATA)

    def test_nothing_given(self):
        with pytest.raises(ValueError, match="data_path"):
            ilt.iltload()

    def test_t_of_wrong_type(self):
        with pytest.raises(TypeError, match="got float") as info:
            ilt.iltload(data=DATA, t=3.0)
        assert isinstance(info.value, ValueError)  # ILTpy raised ValueError here
        assert isinstance(info.value, ArgumentTypeError)

    def test_data_path_not_existing(self, tmp_path):
        with pytest.raises(FileNotFoundError, match="was not found"):
            ilt.iltload(data_path=tmp_path / "nowhere")

    @pytest.mark.parametrize("present,missing", [("dim1.txt", "data.txt"), ("data.txt", "dim1.txt")])
    def test_data_path_missing_file(self, tmp_path, present, missing):
        np.savetxt(tmp_path / present, DATA if present == "data.txt" else T)
        with pytest.raises(FileNotFoundError, match=f"could not find {missing}") as info:
            ilt.iltload(data_path=str(tmp_path))
        assert isinstance(info.value, ValueError)  # ILTpy raised ValueError here
        assert isinstance(info.value, DataFilesNotFoundError)

    def test_data_path_shape_mismatch(self, tmp_path):
        np.savetxt(tmp_path / "data.txt", DATA2)
        np.savetxt(tmp_path / "dim1.txt", T2[0])
        with pytest.raises(ValueError, match=r"data.txt has shape \(32, 24\) .* sizes \(32,\)"):
            ilt.iltload(data_path=tmp_path)

    def test_data_path_nan_in_data(self, tmp_path):
        np.savetxt(tmp_path / "data.txt", with_nan(DATA))
        np.savetxt(tmp_path / "dim1.txt", T)
        with pytest.raises(ValueError, match="data.txt contains 1 NaN"):
            ilt.iltload(data_path=tmp_path)


# ------------------------------------------------------------------------ init: arrays
class TestInitArrays:
    def test_tau_2d(self):
        message = r"tau\[0\] must be one-dimensional, got an array of shape \(8, 10\)"
        with pytest.raises(ValueError, match=message):
            loaded().init(TAU.reshape(8, 10), ilt.Diffusion())

    def test_tau_column_vector_is_accepted(self):
        data = loaded()
        data.init(TAU.reshape(-1, 1), ilt.Diffusion())
        np.testing.assert_array_equal(data.tau[0].ravel(), TAU)

    @pytest.mark.parametrize("bad", [np.nan, np.inf])
    def test_tau_nonfinite(self, bad):
        tau = TAU.copy()
        tau[10] = bad
        with pytest.raises(ValueError, match=r"tau\[0\] contains 1 NaN or infinite"):
            loaded().init(tau, ilt.Diffusion())

    def test_tau_nonfinite_second_dimension(self):
        with pytest.raises(ValueError, match=r"tau\[1\] contains 1 NaN"):
            loaded_2d().init([TAU2[0], with_nan(TAU2[1])], ilt.Exponential())

    def test_tau_empty(self):
        with pytest.raises(ValueError, match=r"tau\[0\] is empty"):
            loaded().init(np.array([]), ilt.Diffusion())

    def test_tau_single_point(self):
        with pytest.raises(ValueError, match=r"tau\[0\] needs at least 2 points, got 1"):
            loaded().init(np.array([1.0]), ilt.Diffusion())

    def test_tau_complex(self):
        with pytest.raises(TypeError, match=r"tau\[0\] must be real"):
            loaded().init(TAU + 0j, ilt.Diffusion())

    @pytest.mark.parametrize(
        "kernel", [ilt.Exponential, ilt.Diffusion, ilt.Gaussian, ilt.RealRcKernel, ilt.ImagRcKernel]
    )
    @pytest.mark.parametrize("bad", [0.0, -1e-3])
    def test_tau_nonpositive_builtin_log_axis(self, kernel, bad):
        tau = TAU.copy()
        tau[0] = bad
        message = r"tau\[0\] must be positive on a logarithmic axis .* tau\[0\]\[0\]"
        with pytest.raises(ValueError, match=message):
            loaded().init(tau, kernel())

    def test_tau_nonpositive_user_kernel_log_axis(self):
        tau = np.linspace(0, 2, 30)
        with pytest.warns(UserWarning, match="base_tau"):
            with pytest.raises(ValueError, match="positive on a logarithmic axis .*'stretched'"):
                loaded().init(tau, Stretched())

    def test_tau_nonpositive_user_kernel_linear_axis_is_accepted(self):
        data = loaded()
        kernel = user_kernel(lambda t, tau: np.cos(t * 1e-10 * tau))  # tau on a linear axis
        with pytest.warns(UserWarning, match="base_tau"):
            data.init(np.linspace(-1, 1, 30), kernel, parameters={"base_tau": 0})
        assert data.base_tau == [0]
        assert data.tau[0][0, 0] == -1

    def test_tau_nonpositive_second_dimension(self):
        tau1 = TAU2[1].copy()
        tau1[-1] = -1.0
        with pytest.raises(ValueError, match=r"tau\[1\] must be positive"):
            loaded_2d().init([TAU2[0], tau1], [ilt.Exponential(), ilt.Exponential()])

    def test_tau_descending(self):
        with pytest.raises(ValueError, match=r"tau\[0\] must be strictly increasing.*ascending"):
            loaded().init(TAU[::-1].copy(), ilt.Diffusion())

    def test_tau_repeated_point(self):
        tau = TAU.copy()
        tau[-1] = tau[-2]
        with pytest.raises(ValueError, match=r"tau\[0\] must be strictly increasing, but tau\[0\]\[79\]"):
            loaded().init(tau, ilt.Diffusion())

    def test_tau_as_a_list_of_numbers_is_one_vector(self):
        data = loaded()
        data.init(list(TAU), ilt.Diffusion(), parameters={"maxloop": 1})
        np.testing.assert_array_equal(data.tau[0].ravel(), TAU)

    def test_generated_tau_from_negative_t(self):
        data = ilt.iltload(data=np.ones(20), t=np.linspace(-1, 1, 20))
        with pytest.warns(UserWarning, match="was not specified"):
            with pytest.raises(ValueError, match=r"tau cannot be generated from t\[0\] \(min -1, max 1\)"):
                data.init(kernel=ilt.Exponential())

    def test_too_many_tau(self):
        with pytest.raises(ValueError, match="2 tau arrays given for 1-dimensional data"):
            loaded().init([TAU, TAU], ilt.Diffusion())

    def test_sigma_wrong_shape(self):
        with pytest.raises(ValueError, match=r"sigma has shape \(63,\), expected the data shape \(64,\)"):
            loaded().init(TAU, ilt.Diffusion(), sigma=np.ones(63))

    def test_sigma_wrong_shape_2d(self):
        with pytest.raises(ValueError, match=r"sigma has shape \(24, 32\)"):
            loaded_2d().init(TAU2, [ilt.Exponential()] * 2, sigma=np.ones((24, 32)))

    @pytest.mark.parametrize("bad", [np.nan, np.inf])
    def test_sigma_nonfinite(self, bad):
        sigma = np.ones(64)
        sigma[7] = bad
        with pytest.raises(ValueError, match="sigma contains 1 NaN or infinite"):
            loaded().init(TAU, ilt.Diffusion(), sigma=sigma)

    @pytest.mark.parametrize("bad", [0.0, -1.0])
    def test_sigma_nonpositive(self, bad):
        sigma = np.ones(64)
        sigma[7] = bad
        with pytest.raises(ValueError, match=r"must be positive everywhere, but sigma\[7\]"):
            loaded().init(TAU, ilt.Diffusion(), sigma=sigma)

    def test_g_guess_wrong_size(self):
        with pytest.raises(ValueError, match="`g_guess` has 79 values, expected 80"):
            loaded().init(TAU, ilt.Diffusion(), g_guess=np.ones(79))

    def test_g_guess_wrong_size_with_baseline(self):
        # sb adds one unknown: g has 81 values
        with pytest.raises(ValueError, match="`g_guess` has 80 values, expected 81"):
            loaded().init(TAU, ilt.Diffusion(), parameters={"sb": True}, g_guess=np.ones(80))

    def test_g_guess_transposed_2d(self):
        message = r"`g_guess` has shape \(18, 20\), expected the shape of g \(20, 18\)"
        with pytest.raises(ValueError, match=message):
            loaded_2d().init(TAU2, [ilt.Exponential()] * 2, g_guess=np.ones((18, 20)))

    def test_g_guess_nonfinite(self):
        with pytest.raises(ValueError, match="g_guess contains 1 NaN"):
            loaded().init(TAU, ilt.Diffusion(), g_guess=with_nan(np.ones(80)))

    def test_dim_ndim_nonfinite(self):
        data, tau = pseudo_2d()
        with pytest.raises(ValueError, match="dim_ndim contains 1 NaN or infinite"):
            data.init(tau, ilt.Exponential(), dim_ndim=with_nan(np.arange(10.0), 4))

    def test_dim_ndim_wrong_length(self):
        data, tau = pseudo_2d()
        message = r"dim_ndim has 9 values but the last data dimension \(data.shape\[1\]\) has 10"
        with pytest.raises(ValueError, match=message):
            data.init(tau, ilt.Exponential(), dim_ndim=np.arange(9.0))

    def test_dim_ndim_descending(self):
        data, tau = pseudo_2d()
        with pytest.raises(ValueError, match=r"tau\[1\] must be strictly increasing.*dim_ndim"):
            data.init(tau, ilt.Exponential(), dim_ndim=np.arange(10.0)[::-1].copy())

    def test_pseudo_dimension_t_descending(self):
        t = np.linspace(0.01, 2, 8)
        data = ilt.iltload(data=np.ones((8, 10)), t=[t, np.arange(10.0)[::-1].copy()])
        with pytest.raises(ValueError, match=r"tau\[1\] must be strictly increasing.*t\[1\]"):
            data.init(np.logspace(-2, 1, 12), ilt.Exponential())

    @pytest.mark.parametrize("argument", ["sigma", "g_guess", "dim_ndim"])
    def test_empty_array_argument(self, argument):
        data, tau = pseudo_2d()
        with pytest.raises(ValueError, match=f"{argument} is empty"):
            data.init(tau, ilt.Exponential(), **{argument: np.array([])})

    @pytest.mark.parametrize("argument", ["sigma", "g_guess", "dim_ndim"])
    def test_complex_array_argument(self, argument):
        data, tau = pseudo_2d()
        shapes = {"sigma": (8, 10), "g_guess": (12, 10), "dim_ndim": (10,)}
        value = np.ones(shapes[argument])
        with pytest.raises(TypeError, match=f"{argument} must be real"):
            data.init(tau, ilt.Exponential(), **{argument: value + 1j})

    def test_complex_t(self):
        with pytest.raises(TypeError, match=r"t\[0\] must be real"):
            ilt.iltload(data=DATA, t=T + 0j)

    def test_identity_tau_length_mismatch(self):
        data, tau = pseudo_2d()
        message = r"tau\[1\] of the Identity kernel must have the length of the data dimension \(10\), got 9"
        with pytest.raises(ValueError, match=message):
            data.init([tau, np.arange(9.0)], ilt.Exponential())

    def test_inverted_dimension_without_t(self):
        data, tau = pseudo_2d()  # no t for dimension 1
        with pytest.raises(ValueError, match=r"t\[1\] was not given"):
            data.init([tau, np.logspace(-1, 1, 5)], [ilt.Exponential(), ilt.Exponential()])


# -------------------------------------------------------------------- init: parameters
class TestInitParameters:
    @pytest.mark.parametrize("alt_g", [1, 3, 5, -2, 10])
    def test_invalid_alt_g(self, alt_g):
        with pytest.raises(ValueError, match=f"Invalid alt_g value: {alt_g}"):
            loaded().init(TAU, ilt.Diffusion(), parameters={"alt_g": alt_g})

    @pytest.mark.parametrize("alt_g", [2, 4, 6, 8])
    def test_data_space_form_with_static_baseline(self, alt_g):
        # Found by hypothesis (test_agreement.py): Γ is singular on the unregularised baseline.
        with pytest.raises(ValueError, match=f"alt_g = {alt_g} cannot be combined with a static baseline"):
            loaded().init(TAU, ilt.Diffusion(), parameters={"alt_g": alt_g, "sb": True})

    def test_unknown_parameter(self):
        with pytest.raises(KeyError, match=r"'alpha0' \(did you mean 'alpha_0'\?\)"):
            loaded().init(TAU, ilt.Diffusion(), parameters={"alpha0": 1e-3})

    def test_unknown_parameter_among_known(self):
        with pytest.raises(KeyError, match="'maxlop'"):
            loaded().init(TAU, ilt.Diffusion(), parameters={"maxloop": 3, "maxlop": 4})

    @pytest.mark.parametrize(
        "parameters,error,message",
        [
            ({"maxloop": 0}, ValueError, "maxloop must be >= 1, got 0"),
            ({"maxloop": -5}, ValueError, "maxloop must be >= 1"),
            ({"maxloop": 1.5}, TypeError, "maxloop must be an integer, got 1.5"),
            ({"maxloop": "10"}, TypeError, "maxloop must be an integer"),
            ({"maxloop": True}, TypeError, "maxloop must be an integer"),
            ({"compress": "yes"}, TypeError, "`compress` must be a bool"),
            ({"compress": 1}, TypeError, "`compress` must be a bool"),
            ({"nn": "yes"}, TypeError, "nn must be True or False"),
            ({"reg_zc": 1}, TypeError, "reg_zc must be True or False"),
            ({"sb": "no"}, TypeError, "`sb` must be a boolean"),
            ({"s": 0}, ValueError, "`s` must be >= 1"),
            ({"s": 2.5}, TypeError, "`s` must be a int"),
            ({"base_tau": 1.0}, TypeError, "`base_tau` must be a int"),
            ({"c_nmax": 0}, ValueError, "c_nmax must be >= 1"),
            ({"reg_bc": -1}, ValueError, "reg_bc must be >= 0"),
            ({"conv_limit": -1e-6}, ValueError, "conv_limit must be >= 0"),
            ({"alpha_0": 0}, ValueError, "alpha_0 must be > 0"),
            ({"alpha_0": "small"}, TypeError, "alpha_0 must be numeric"),
            ({"alpha_00": np.nan}, ValueError, "alpha_00 contains 1 NaN"),
            ({"alpha_bc": -50}, ValueError, "alpha_bc must be >= 0"),
            ({"reg_downrate": 1.5}, ValueError, r"reg_downrate must lie in \[0, 1\]"),
            ({"sparse_threshold": -0.1}, ValueError, "sparse_threshold must lie in"),
        ],
    )
    def test_wrong_parameter_value_or_type(self, parameters, error, message):
        with pytest.raises(error, match=message):
            loaded().init(TAU, ilt.Diffusion(), parameters=parameters)

    def test_parameters_of_wrong_type(self):
        with pytest.raises(TypeError, match="parameters must be a dict or the path") as info:
            loaded().init(TAU, ilt.Diffusion(), parameters=[("maxloop", 3)])
        assert isinstance(info.value, ValueError)  # ILTpy raised ValueError here

    @pytest.mark.parametrize("value", ["yes", 1, None])
    def test_reinitialize_not_bool(self, value):
        with pytest.raises(TypeError, match="reinitialize must be True or False") as info:
            loaded().init(TAU, ilt.Diffusion(), reinitialize=value)
        assert isinstance(info.value, ValueError)  # ILTpy raised ValueError here

    def test_parameter_file_missing(self, tmp_path):
        with pytest.raises(FileNotFoundError, match="parameter file not found"):
            loaded().init(TAU, ilt.Diffusion(), parameters=str(tmp_path / "missing.param"))

    def test_parameter_file_malformed(self, tmp_path):
        path = tmp_path / "bad.param"
        path.write_text('{"maxloop": 3,')
        with pytest.raises(ValueError, match="not a valid JSON parameter file"):
            loaded().init(TAU, ilt.Diffusion(), parameters=str(path))

    def test_parameter_file_not_an_object(self, tmp_path):
        path = tmp_path / "list.param"
        path.write_text(json.dumps([["maxloop", 3]]))
        with pytest.raises(ValueError, match="must hold a JSON object"):
            loaded().init(TAU, ilt.Diffusion(), parameters=path)

    def test_parameter_file_unknown_name(self, tmp_path):
        path = tmp_path / "typo.param"
        path.write_text(json.dumps({"alpha_bcc": 3}))
        with pytest.raises(KeyError, match="alpha_bcc"):
            loaded().init(TAU, ilt.Diffusion(), parameters=str(path))


# ----------------------------------------------------------------------- init: kernels
class NoKernel(ilt.IltKernel):
    def __init__(self):
        self.name = "k"
        self.kernel_str = "k"


class NoKernelStr(ilt.IltKernel):
    def __init__(self):
        self.name = "k"
        self.kernel = lambda t, tau: np.exp(-t / tau)


class NoName(ilt.IltKernel):
    def __init__(self):
        self.kernel = lambda t, tau: np.exp(-t / tau)
        self.kernel_str = "k"


def user_kernel(function, name="user"):
    class UserKernel(ilt.IltKernel):
        def __init__(self):
            self.name = name
            self.kernel = function
            self.kernel_str = "user"

    return UserKernel()


class TestInitKernels:
    @pytest.mark.parametrize("kernel", [ilt.Identity(), "_identity_"])
    def test_identity_first_dimension(self, kernel):
        with pytest.raises(ValueError, match="Identity kernel cannot be used in the first dimension"):
            loaded().init(TAU, kernel)

    def test_identity_first_dimension_2d(self):
        with pytest.raises(ValueError, match="Identity kernel cannot be used in the first dimension"):
            loaded_2d().init(TAU2, [ilt.Identity(), ilt.Exponential()])

    @pytest.mark.parametrize("kernel", [None, ilt.IltKernel(), "_IltKernel_"])
    def test_no_kernel(self, kernel):
        with pytest.raises(ValueError, match="No kernel was specified for the first dimension"):
            loaded().init(TAU, kernel)

    @pytest.mark.parametrize("name", ["exponential", "_Exponential_", "_stretched_", ""])
    def test_unknown_kernel_name(self, name):
        with pytest.raises(ValueError, match=f"kernel '{name}' is not a built-in kernel name"):
            loaded().init(TAU, name)

    def test_kernel_class_instead_of_instance(self):
        with pytest.raises(TypeError, match=r"pass Diffusion\(\) instead"):
            loaded().init(TAU, ilt.Diffusion)

    def test_kernel_not_an_iltkernel(self):
        class DuckKernel:
            name = "duck"
            kernel = staticmethod(lambda t, tau: np.exp(-t / tau))
            kernel_str = "duck"

        with pytest.raises(TypeError, match="must be an IltKernel instance .* got DuckKernel"):
            loaded().init(TAU, DuckKernel())

    @pytest.mark.parametrize(
        "kernel,attribute", [(NoKernel, "kernel"), (NoKernelStr, "kernel_str"), (NoName, "name")]
    )
    def test_kernel_missing_attribute(self, kernel, attribute):
        message = f"{kernel.__name__} is missing the required attribute '{attribute}'"
        with pytest.raises(AttributeError, match=message):
            loaded().init(TAU, kernel())

    def test_kernel_missing_attribute_second_dimension(self):
        with pytest.raises(AttributeError, match="'kernel_str'"):
            loaded_2d().init(TAU2, [ilt.Exponential(), NoKernelStr()])

    def test_kernel_not_callable(self):
        with pytest.raises(TypeError, match="kernel must be callable"):
            loaded().init(TAU, user_kernel("exp(-t/tau)"))

    def test_kernel_name_not_a_string(self):
        with pytest.raises(TypeError, match="name must be a string"):
            loaded().init(TAU, user_kernel(lambda t, tau: np.exp(-t * tau), name=3))

    @pytest.mark.parametrize(
        "function,shape",
        [
            (lambda t, tau: np.exp(-t.T * tau.T), "(64, 80)"),  # transposed
            (lambda t, tau: np.exp(-t * tau)[:-1], "(79, 64)"),
            (lambda t, tau: np.exp(-t * tau).ravel(), "(5120,)"),
        ],
    )
    def test_kernel_wrong_shape(self, function, shape):
        with pytest.warns(UserWarning, match="base_tau"):
            message = rf"returned shape \{shape[:-1]}\) in dimension 0; expected .* \(80, 64\)"
            with pytest.raises(ValueError, match=message):
                loaded().init(TAU, user_kernel(function))

    @pytest.mark.parametrize("bad", [np.nan, np.inf])
    def test_kernel_nonfinite(self, bad):
        def function(t, tau):
            K = np.exp(-t * tau)
            K[3, 4] = bad
            return K

        with pytest.warns(UserWarning, match="base_tau"):
            with pytest.raises(ValueError, match="kernel 'user' returned NaN or inf in dimension 0"):
                loaded().init(TAU, user_kernel(function))

    def test_too_many_kernels(self):
        with pytest.raises(ValueError, match="2 kernels given for 1-dimensional data"):
            loaded().init(TAU, [ilt.Diffusion(), ilt.Diffusion()])

    def test_tau_missing_for_kernel_without_generated_tau(self):
        with pytest.raises(ValueError, match=r"tau\[0\] must be given for the kernel '_diffusion_'"):
            loaded().init(kernel=ilt.Diffusion())


# ------------------------------------------------------------------------------ invert
class TestInvert:
    def test_invert_before_init(self):
        with pytest.raises(RuntimeError, match=r"Please call init\(\) first"):
            loaded().invert(verbose=0)

    @pytest.mark.parametrize("alt_g", [0, 6])
    def test_solver_not_callable(self, alt_g):
        data = loaded()
        data.init(TAU, ilt.Diffusion(), parameters={"alt_g": alt_g, "maxloop": 2})
        with pytest.raises(TypeError, match="solver must be a callable"):
            data.invert(solver=42, verbose=0)
        # nothing was computed
        assert not data.inverted
        assert "g" not in vars(data) and "convergence" not in vars(data)

    def test_solver_returning_wrong_size(self):
        data = loaded()
        data.init(TAU, ilt.Diffusion(), parameters={"maxloop": 2})
        with pytest.raises(ValueError, match="solver returned 79 values, expected 80"):
            data.invert(solver=lambda A, b: np.ones(79), verbose=0)


# ----------------------------------------------------- failed init leaves the object as it was
BAD_INITS = [
    pytest.param(dict(tau=TAU[::-1].copy()), ValueError, id="descending-tau"),
    pytest.param(dict(parameters={"maxloop": 3, "nn": True, "typo": 1}), KeyError, id="unknown-name"),
    pytest.param(dict(parameters={"maxloop": 0}), ValueError, id="maxloop-0"),
    pytest.param(dict(kernel="_nope_"), ValueError, id="kernel-name"),
    pytest.param(dict(kernel=NoKernelStr()), AttributeError, id="kernel-attribute"),
    pytest.param(dict(sigma=np.ones(3)), ValueError, id="sigma-shape"),
    pytest.param(dict(g_guess=np.ones(3)), ValueError, id="g_guess-size"),
    pytest.param(dict(parameters={"alt_g": 3}), ValueError, id="alt_g"),
    pytest.param(dict(reinitialize=True), ValueError, id="reinitialize-without-kernel"),
    pytest.param(dict(reinitialize="yes"), TypeError, id="reinitialize-type"),
    pytest.param(dict(tau=TAU, kernel=user_kernel(lambda t, tau: np.exp(-t * tau) * np.nan)), ValueError,
                 id="kernel-nan"),
]


@pytest.fixture
def inverted_once():
    data = loaded()
    data.init(TAU, ilt.Diffusion(), parameters={"maxloop": 4})
    data.invert(verbose=0)
    return data


@pytest.mark.parametrize("arguments,error", BAD_INITS)
def test_failed_init_leaves_object_unchanged(inverted_once, arguments, error):
    data = inverted_once
    g_before = data.g.copy()
    fit_dict = dict(data.fit_dict)
    state = {name: getattr(data, name) for name in ("maxloop", "nn", "alt_g", "kernel", "sigma", "g_guess")}
    tau = data.tau[0].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(error):
            data.init(**arguments)
    assert data.initialized and data.inverted
    np.testing.assert_array_equal(data.g, g_before)  # results of the last inversion kept
    np.testing.assert_array_equal(data.tau[0], tau)
    assert data.fit_dict.keys() == fit_dict.keys()
    assert all(data.fit_dict[k] is fit_dict[k] for k in fit_dict)
    for name, value in state.items():
        assert getattr(data, name) is value, name
    # and inverting again gives exactly the same g
    data.invert(verbose=0)
    np.testing.assert_array_equal(data.g, g_before)
    assert len(data.convergence) == 4
