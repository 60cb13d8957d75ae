"""ILTpy 1.1.0's surface beside 1.0.0's: iltkernel, read-only kernels, the version switch."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

import fastilt as ilt
from fastilt.compat import versions


def stretched():
    return ilt.iltkernel("stretched", lambda t, tau: np.exp(-t / tau) ** 0.5, "lambda t, tau: np.exp(-t / tau) ** 0.5")


def test_default_is_the_newest_release(monkeypatch):
    monkeypatch.delenv("FASTILT_ILTPY_VERSION", raising=False)
    assert ilt.iltpy_version() == "1.1.0" == versions.ILTPY_VERSIONS[-1]


@pytest.mark.parametrize(("text", "release"), [("1.0.0", "1.0.0"), ("1.0", "1.0.0"), (" 1.1 ", "1.1.0")])
def test_environment_variable(text, release):
    code = "import fastilt; print(fastilt.iltpy_version())"
    env = {**__import__("os").environ, "FASTILT_ILTPY_VERSION": text}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == release, done.stderr


def test_unknown_release_is_refused(follow, monkeypatch):
    with pytest.raises(ValueError, match="ILTpy version '2.0' is not one fastilt follows; choose one of 1.0.0, 1.1.0"):
        follow("2.0")
    monkeypatch.setenv("FASTILT_ILTPY_VERSION", "0.9")
    with pytest.raises(ValueError, match="FASTILT_ILTPY_VERSION: ILTpy version '0.9'"):
        ilt.iltpy_version()


def test_set_returns_the_previous_choice(follow, monkeypatch):
    monkeypatch.setenv("FASTILT_ILTPY_VERSION", "1.0.0")
    assert follow("1.1") is None  # nothing chosen before: the environment was followed
    assert ilt.iltpy_version() == "1.1.0"
    assert follow(None) == "1.1.0"
    assert ilt.iltpy_version() == "1.0.0"  # back to the environment


def test_iltkernel_makes_a_kernel_class():
    Stretched = stretched()
    kernel = Stretched()
    assert isinstance(Stretched, type) and issubclass(Stretched, ilt.IltKernel)
    assert (kernel.name, kernel.kernel_str) == ("stretched", "lambda t, tau: np.exp(-t / tau) ** 0.5")
    assert (kernel._name, kernel._kernel_str) == (kernel.name, kernel.kernel_str)  # 1.1's private names
    t = np.linspace(1e-3, 1, 100)
    data = ilt.iltload(data=100 * np.exp(-t / 0.1) ** 0.5, t=t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # base_tau, as ILTpy warns
        data.init(np.logspace(-3, 1, 30), kernel, parameters={"maxloop": 5})
    data.invert(verbose=0)
    np.testing.assert_allclose(data.K[0], np.exp(-t[None, :] / np.logspace(-3, 1, 30)[:, None]) ** 0.5)


@pytest.mark.parametrize(("arguments", "message"), [
    ((1, np.exp, "s"), "kernel_name must be a string, got int"),
    (("k", "exp", "s"), "kernel_func must be callable kernel"),
    (("k", np.exp, 3), "kernel_str must be a string, got int"),
])
def test_iltkernel_checks_its_arguments(arguments, message):
    with pytest.raises(TypeError, match=message):
        ilt.iltkernel(*arguments)


@pytest.mark.parametrize("make", [ilt.Exponential, lambda: stretched()()])
def test_kernel_attributes_read_only_as_in_11(make, follow):
    kernel = make()
    for attribute in ("name", "kernel", "kernel_str"):
        with pytest.raises(AttributeError, match=f"'{attribute}' of the kernel .* is read-only, as in ILTpy 1.1"):
            setattr(kernel, attribute, "x")
    follow("1.0.0")
    kernel.name = "renamed"  # ILTpy 1.0's kernels are plain attributes
    assert kernel.name == kernel._name == "renamed"


def test_a_10_style_subclass_still_builds(follow):
    class Mine(ilt.IltKernel):
        def __init__(self):
            self.name = "mine"
            self.kernel = lambda t, tau: np.exp(-t / tau)
            self.kernel_str = "exp"

    kernel = Mine()
    assert (kernel.name, kernel.kernel_str) == ("mine", "exp")
    with pytest.raises(AttributeError, match="read-only"):
        kernel.name = "other"


def test_builtin_names_on_the_class_and_by_string():
    assert ilt.Exponential.name == "_exponential_" == ilt.Exponential().name
    assert type(ilt.kernels.kernel_from_spec("_identity_")) is ilt.Identity


def test_a_subclass_that_sets_nothing_is_refused():
    class Empty(ilt.IltKernel):
        def __init__(self):
            pass

    data = ilt.iltload(data=np.ones(10), t=np.arange(1.0, 11))
    with pytest.raises(AttributeError, match="kernel Empty is missing the required attribute 'name'"):
        data.init(np.logspace(-1, 1, 5), Empty())


def test_import_paths_of_both_releases():
    from fastilt.input.loader import iltload
    from fastilt.input.loaders import iltload as old_spelling

    assert iltload is old_spelling is ilt.iltload
    from fastilt.fit.kernels import iltkernel

    assert iltkernel is ilt.iltkernel


def test_no_global_numpy_error_state():
    # ILTpy 1.0.0 sets np.seterr(all="raise") on import; fastilt leaves NumPy as it found it.
    code = "import numpy as np; before = np.geterr(); import fastilt; assert np.geterr() == before"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
