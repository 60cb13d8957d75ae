"""Parameters of the wrong type, shape or range fail in ``init`` with a message naming them.

Every fit parameter is tried with values of the wrong kind; integers that the
compiled core counts in 32 bits are range-checked instead of wrapping.
"""

import re
import warnings

import numpy as np
import pytest

import fastilt as ilt
from fastilt.parameters import default_parameters
from fastilt.statistics import iltstats
from reference_cases import reference

REF = reference("1d_diffusion")
DATA, T, TAU = REF["data"], REF["t0"], REF["tau0"]
REF2 = reference("2d_exponential_nn")
DATA2, T2, TAU2 = REF2["data"], [REF2["t0"], REF2["t1"]], [REF2["tau0"], REF2["tau1"]]

#: Python's own messages that must never reach a user for a bad parameter.
LEAKS = ("list index out of range", "not supported between", "float() argument", "unhashable", "Unable to cast")

WRONG_KINDS = {"str": "fast", "list": [1, 2], "None": None, "nested": [[1.0]], "dict": {"a": 1}}

#: Wrong-kind values that are valid for a parameter (1D data, Diffusion kernel).
VALID = {
    ("s", "list"),  # one number per dimension: the first applies
    ("base_tau", "list"),
    ("tau", "list"),  # a plain list of numbers is one tau grid
    ("dim_ndim", "list"),  # ignored for 1D data, as in ILTpy
    ("dim_ndim", "nested"),
    ("Cz", "list"),  # a list of arrays (reset by every inversion)
    ("Cz", "nested"),
} | {(name, "None") for name, value in default_parameters().items() if value is None}

SWEEP = [
    pytest.param(name, kind, id=f"{name}-{kind}")
    for name in default_parameters()
    for kind in WRONG_KINDS
    if (name, kind) not in VALID
]


def init_with(name, value, data=None):
    """``init`` with ``value`` for parameter ``name`` (tau and kernel through ``parameters`` too)."""
    data = data if data is not None else ilt.iltload(data=DATA, t=T)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if name == "tau":
            data.init(kernel=ilt.Diffusion(), parameters={name: value})
        elif name == "kernel":
            data.init(TAU, parameters={name: value})
        else:
            data.init(TAU, ilt.Diffusion(), parameters={name: value})
    return data


@pytest.mark.parametrize("name,kind", SWEEP)
def test_every_parameter_of_a_wrong_kind_is_named(name, kind):
    with pytest.raises((TypeError, ValueError)) as info:
        init_with(name, WRONG_KINDS[kind])
    message = str(info.value)
    assert re.search(rf"\b{name}\b", message), message
    assert not any(leak in message for leak in LEAKS), message


# ----------------------------------------------------------------- integers for C++
INT_PARAMETERS = ["maxloop", "c_nmax", "p_nmax", "zc_nmax", "reg_down", "zc_down", "zc_on", "reg_bc"]


@pytest.mark.parametrize("name", INT_PARAMETERS)
@pytest.mark.parametrize("value", [2**31, np.int64(2**31), np.uint64(2**63), 10**30])
def test_integer_beyond_a_cpp_int_is_a_value_error(name, value):
    with pytest.raises(ValueError, match=rf"^{name} must be <= 2147483647, got {int(value)}$"):
        init_with(name, value)


@pytest.mark.parametrize("name", ["reg_down", "zc_down", "zc_on"])
def test_schedule_index_below_a_cpp_int_is_a_value_error(name):
    with pytest.raises(ValueError, match=rf"^{name} must be >= -2147483648"):
        init_with(name, -(2**31) - 1)


@pytest.mark.parametrize("integer", [np.int8, np.int32, np.int64, np.uint16, np.uint64])
def test_numpy_integers_are_integers(integer):
    data = init_with("maxloop", integer(3))
    data.invert(verbose=0)
    assert len(data.convergence) == 3 and isinstance(data.maxloop, (int, np.integer))


@pytest.mark.parametrize("backend", ["compiled", "python"])
def test_a_window_wider_than_the_grid_equals_a_grid_wide_one(backend):
    """c_nmax = 2**31 - 1 runs as fast as a grid-wide window and gives its result exactly."""
    results = []
    for window in (2**31 - 1, 2 * TAU.size + 2):
        data = init_with("maxloop", 8)
        data.init(parameters={"c_nmax": window, "p_nmax": window, "zc_nmax": window})
        data.invert(verbose=0, backend=backend)
        results.append(data.g)
    np.testing.assert_array_equal(results[0], results[1])


# ------------------------------------------------------------------ per-axis numbers
@pytest.mark.parametrize("name", ["alpha_0", "alpha_a", "alpha_bc", "alpha_nn", "alpha_p", "alpha_c", "alpha_d"])
def test_per_axis_number_takes_one_value_per_axis(name):
    with pytest.raises(ValueError, match=rf"^{name} must be a number or a list of 1 number\(s\), one per axis"):
        init_with(name, [1.0, 2.0])
    one = ilt.iltload(data=DATA2, t=T2)
    two = ilt.iltload(data=DATA2, t=T2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        one.init(TAU2, [ilt.Exponential()] * 2, parameters={name: 3.0})
        two.init(TAU2, [ilt.Exponential()] * 2, parameters={name: [3.0, 3.0]})
    np.testing.assert_array_equal(getattr(one, name), getattr(two, name))


@pytest.mark.parametrize("name", ["alpha_0", "alpha_bc", "alpha_00", "conv_limit", "sparse_threshold"])
def test_a_number_beyond_double_and_int64_is_named(name):
    # Python ints beyond int64 are no numbers NumPy can hold: the message says so (no OverflowError).
    with pytest.raises(TypeError, match=rf"^{name} must be numeric \(a number or an array of numbers\), got int"):
        init_with(name, 10**400)


@pytest.mark.parametrize("name", ["alpha_00", "zc_max", "conv_limit", "reg_upd", "sparse_threshold"])
def test_scalar_given_as_a_list(name):
    with pytest.raises(TypeError, match=rf"^{name} must be a single number, got list \[1, 2\]"):
        init_with(name, [1, 2])


def test_empty_sb_list():
    with pytest.raises(ValueError, match="`sb` is an empty list; give True or False"):
        init_with("sb", [])


def test_empty_kernel_list():
    with pytest.raises(ValueError, match="kernel is an empty list"):
        init_with("kernel", [])


# ------------------------------------------------------------------------- verbose
@pytest.mark.parametrize("verbose", ["yes", 0.5, None, [1]])
def test_init_verbose_must_be_an_integer(verbose):
    data = ilt.iltload(data=DATA, t=T)
    with pytest.raises(TypeError, match="^verbose must be an integer"):
        data.init(TAU, ilt.Diffusion(), verbose=verbose)
    assert not data.initialized


@pytest.mark.parametrize("verbose", ["yes", 0.5, None])
def test_invert_verbose_must_be_an_integer(verbose):
    data = init_with("maxloop", 2)
    with pytest.raises(TypeError, match="^verbose must be an integer"):
        data.invert(verbose=verbose)
    assert not data.inverted


@pytest.mark.parametrize("verbose", [True, False, np.int64(0), np.int64(1)])
def test_verbose_may_be_a_numpy_integer_or_a_bool_as_iltpy_1_0_took_it(verbose, capsys):
    # ILTpy 1.1's invert refuses bools (tests/test_iltpy_names.py); 1.0 took them
    data = init_with("maxloop", 2)
    previous = ilt.set_iltpy_version("1.0.0" if isinstance(verbose, bool) else None)
    try:
        data.invert(verbose=verbose)
    finally:
        ilt.set_iltpy_version(previous)
    assert data.inverted
    assert ("Done." in capsys.readouterr().out) == bool(verbose)


# ------------------------------------------------------------------------ iltstats
@pytest.fixture(scope="module")
def inverted():
    data = init_with("maxloop", 3)
    data.invert(verbose=0)
    return data


@pytest.mark.parametrize(
    "options,error,message",
    [
        ({"verbose": "yes"}, TypeError, "^verbose must be an integer"),
        ({"n_jobs": "2"}, TypeError, "^n_jobs must be an integer"),
        ({"n_jobs": 2.0}, TypeError, "^n_jobs must be an integer"),
        ({"n_jobs": 0}, ValueError, "^n_jobs must not be 0"),
        ({"n_jobs": 2**31}, ValueError, "^n_jobs must be <= 2147483647"),
        ({"random_seed": -1}, ValueError, "^random_seed must be >= 0"),
        ({"random_seed": 2**32}, ValueError, "^random_seed must be <= 4294967295"),
        ({"random_seed": "7"}, TypeError, "^random_seed must be an integer"),
    ],
)
def test_iltstats_arguments(inverted, options, error, message):
    state = np.random.get_state()
    with pytest.raises(error, match=message):
        iltstats(inverted, n=2, **options)
    assert "statistics" not in vars(inverted)
    assert np.array_equal(state[1], np.random.get_state()[1])  # no noise was drawn


def test_iltstats_uses_no_more_workers_than_samples(inverted):
    statistics = iltstats(inverted, n=2, n_jobs=2**31 - 1, verbose=0, random_seed=4)
    assert len(statistics["g_list"]) == 2


def test_init_keeps_no_object_of_the_caller():
    # init copies the settings once: changing the caller's lists and arrays afterwards changes nothing.
    sb = [False]
    tau = TAU.copy()
    parameters = {"sb": sb, "maxloop": 20}
    data = ilt.iltload(data=DATA, t=T)
    data.init(tau, ilt.Diffusion(), parameters=parameters)
    sb.append(True)
    tau[:] = 1.0
    parameters["maxloop"] = 5
    assert data.fit_dict["sb"] == [False] and data.fit_dict["maxloop"] == 20 and data.maxloop == 20
    assert not np.array_equal(data.fit_dict["tau"], tau)
    data.init(parameters={"alpha_00": 2})  # a re-init starts from the kept settings, not the caller's
    assert data.fit_dict["sb"] == [False] and data.maxloop == 20
