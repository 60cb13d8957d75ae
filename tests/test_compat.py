"""ILTpy scripts run unchanged after replacing the word ``iltpy`` by ``fastilt``.

The import paths ILTpy's documentation uses (``iltpy.fit.kernels.IltKernel``,
``iltpy.fit.inversion.IltData``, ``iltpy.input.loaders.iltload``,
``iltpy.output.plotting.iltplot``, ``iltpy.output.reporting.iltreport``, and
top-level names) exist in fastilt as thin re-exports of fastilt's own objects.
"""

import importlib
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

import fastilt
import fastilt as ilt

KERNELS = ["IltKernel", "Identity", "Exponential", "Diffusion", "Gaussian", "RealRcKernel", "ImagRcKernel"]


def run_iltpy_script(source):
    """Run a script written for ILTpy, with ``iltpy`` replaced by ``fastilt``."""
    assert "iltpy" in source and "fastilt" not in source
    namespace = {"__name__": "__iltpy_script__"}
    exec(compile(source.replace("iltpy", "fastilt"), "<iltpy script>", "exec"), namespace)
    return namespace


def assert_runs_in_a_fresh_interpreter(code):
    """Run `code` in a new Python process (no import of this session sets anything) and require success."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ----------------------------------------------------------------------- import paths
@pytest.mark.parametrize("name", KERNELS)
def test_fit_kernels_path(name):
    module = importlib.import_module("fastilt.fit.kernels")
    assert getattr(module, name) is getattr(fastilt, name) is getattr(fastilt.kernels, name)


def test_fit_inversion_path():
    from fastilt.fit.inversion import IltData

    assert IltData is fastilt.IltData is fastilt.inversion.IltData


def test_fit_package_attributes():
    import fastilt.fit

    assert fastilt.fit.IltData is fastilt.IltData
    assert fastilt.fit.kernels.Exponential is fastilt.Exponential
    assert fastilt.fit.inversion.IltData is fastilt.IltData


def test_input_loaders_path():
    from fastilt.input import iltload as from_package
    from fastilt.input.loaders import iltload

    assert iltload is from_package is fastilt.iltload is fastilt.loading.iltload


@pytest.mark.parametrize("name", ["iltload", "IltData", "__version__", *KERNELS])
def test_top_level_names(name):
    assert hasattr(ilt, name)
    assert name in ilt.__all__


def test_version_string():
    assert isinstance(ilt.__version__, str)
    assert re.fullmatch(r"\d+\.\d+\.\d+([.-]?\w+)*", ilt.__version__)


def test_output_modules_reexport_only_their_names():
    # importing the ILTpy paths must not need matplotlib (checked in a fresh interpreter below)
    plotting = importlib.import_module("fastilt.output.plotting")
    reporting = importlib.import_module("fastilt.output.reporting")
    assert "iltplot" in plotting.__all__ and "iltreport" in reporting.__all__
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        plotting.nothing  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        reporting.nothing  # noqa: B018


def test_output_plotting_path():
    pytest.importorskip("matplotlib")
    target = pytest.importorskip("fastilt.plotting")
    from fastilt.output.plotting import iltplot

    assert iltplot is target.iltplot
    assert ilt.iltplot is target.iltplot


def test_output_reporting_path():
    target = pytest.importorskip("fastilt.reporting")
    from fastilt.output.reporting import iltreport

    assert iltreport is target.iltreport
    assert ilt.iltreport is target.iltreport


def test_subpackages_reachable_as_attributes():
    # ``import iltpy as ilt; ilt.fit.kernels.IltKernel`` works in ILTpy; run in a fresh
    # interpreter so that no earlier import in this session sets the attributes
    code = (
        "import fastilt as ilt\n"
        "assert ilt.fit.kernels.IltKernel is ilt.IltKernel\n"
        "assert ilt.fit.inversion.IltData is ilt.IltData\n"
        "assert ilt.input.loaders.iltload is ilt.iltload\n"
        "assert ilt.output.reporting.iltreport is ilt.iltreport\n"
        "assert ilt.output.plotting.iltplot is ilt.iltplot\n"
        "import sys; assert 'matplotlib' not in sys.modules, 'import fastilt must not import matplotlib'\n"
    )
    assert_runs_in_a_fresh_interpreter(code)


def test_the_report_and_batch_are_imported_on_first_use():
    # ``import fastilt`` leaves the report and the batch out (fastilt/__init__.py); the
    # names are there all the same, in dir() too, and each loads its module when read.
    code = (
        "import sys\n"
        "import fastilt as ilt\n"
        "later = ('fastilt.reporting', 'fastilt.batch', 'fastilt.output')\n"
        "assert not [m for m in later if m in sys.modules], [m for m in later if m in sys.modules]\n"
        "assert {'iltreport', 'invert_many', 'diagnose', 'estimate_noise', 'output'} <= set(dir(ilt))\n"
        "from fastilt import diagnose, invert_many\n"
        "assert diagnose.__module__ == 'fastilt.quality.diagnostics' and 'fastilt.batch' in sys.modules\n"
        "assert ilt.iltreport.__module__ == 'fastilt.reporting'\n"
        "try:\n"
        "    ilt.no_such_name\n"
        "except AttributeError as error:\n"
        "    assert 'no_such_name' in str(error)\n"
        "else:\n"
        "    raise AssertionError('ilt.no_such_name did not raise')\n"
    )
    assert_runs_in_a_fresh_interpreter(code)


def test_scipy_is_imported_where_it_is_used():
    # SciPy's import takes about a quarter of a second of a process (docs/performance.md):
    # ``import fastilt`` and the compiled 1D and T1-T2 inversions leave it out, the
    # Python backend and ``compress`` (SciPy's SVD, as ILTpy's) bring it in.
    code = """
import sys
import numpy as np
import fastilt as ilt
loaded = lambda: sorted(m for m in sys.modules if m.split(".")[0] == "scipy")
assert loaded() == [], loaded()
t, tau = [np.logspace(-3, 1, 40), np.logspace(-3, 1, 30)], [np.logspace(-3, 1, 24)] * 2
data = np.exp(-t[0][:, None] / 0.1 - t[1][None, :] / 0.3)
one = ilt.iltload(data=data[:, 0], t=t[0])
one.init(tau[0], ilt.Exponential(), parameters={"maxloop": 5})
one.invert(verbose=0)
two = ilt.iltload(data=data, t=t)
two.init(tau, [ilt.Exponential(), ilt.Exponential()], parameters={"maxloop": 5})
two.invert(verbose=0)
assert (one.solver, two.solver) == ("dense", "lowrank"), (one.solver, two.solver)
assert loaded() == [], loaded()
one.invert(verbose=0, backend="python")
assert "scipy.sparse" in sys.modules
"""
    assert_runs_in_a_fresh_interpreter(code)


# ------------------------------------------------------------- ILTpy-docs-style scripts
SCRIPT_1D = '''
import numpy as np
import iltpy as ilt
from iltpy.fit.kernels import IltKernel
from iltpy.fit.inversion import IltData
from iltpy.input.loaders import iltload

print(f"ILTpy version: {ilt.__version__}")

# a synthetic distribution on log10(tau): one positive and one negative component
def gaussian(x, mu, sigma, amplitude):
    return amplitude * np.exp(-0.5 * ((x - mu) / sigma) ** 2)

log_tau = np.linspace(-3, 3, 60)
dist = gaussian(log_tau, -1.0, 0.35, 2.0) + gaussian(log_tau, 1.3, 0.3, -1.0)

# time-domain data: kernel matrix built with t as a column, as in the ILTpy examples
t_syn = np.logspace(-3, 3, 300).reshape((-1, 1))
K_matrix = ilt.Exponential().kernel(t_syn, 10**log_tau)
np.random.seed(2505)
clean = 30 * K_matrix @ dist
syn_data = clean + np.random.randn(len(t_syn))

# load, initialise, invert
ilt_1d = ilt.iltload(data=syn_data, t=t_syn)
assert isinstance(ilt_1d, IltData)
tau = np.logspace(-3, 3, 60)
ilt_1d.init(tau=tau, kernel=ilt.Exponential())
ilt_1d.invert()
g, fit, residuals = ilt_1d.g, ilt_1d.fit, ilt_1d.residuals

# a user-defined kernel, the way the ILTpy FAQ defines one
class MyKernel(IltKernel):
    def __init__(self):
        self.name = "my_kernel"
        self.kernel = lambda t, tau: np.exp(-t / tau) ** 0.5
        self.kernel_str = "lambda t, tau: np.exp(-t / tau) ** 0.5"

stretched = iltload(data=syn_data, t=t_syn)
stretched.init(tau, kernel=MyKernel(), parameters={"maxloop": 20})
stretched.invert(verbose=0)
'''


def test_iltpy_1d_script_runs_unchanged():
    with pytest.warns(UserWarning, match="base_tau must be set for user-defined kernels"):
        ns = run_iltpy_script(SCRIPT_1D)
    data = ns["ilt_1d"]
    assert data.inverted and ns["g"].shape == (60,)
    assert ns["fit"].shape == ns["residuals"].shape == (300,)
    # the noise has unit variance: the residuals are noise, and the fit follows the clean signal
    assert 0.85 < np.std(ns["residuals"]) < 1.15
    assert np.sqrt(np.mean((ns["fit"] - ns["clean"]) ** 2)) < 0.5
    # the two components are found where they were put
    log_tau = ns["log_tau"]
    assert abs(log_tau[np.argmax(ns["g"])] - (-1.0)) < 0.3
    assert abs(log_tau[np.argmin(ns["g"])] - 1.3) < 0.3
    # the same computation through fastilt's own names gives the same result
    same = ilt.iltload(data=ns["syn_data"], t=ns["t_syn"])
    same.init(ns["tau"], ilt.Exponential())
    same.invert(verbose=0)
    np.testing.assert_array_equal(same.g, ns["g"])
    user = ns["stretched"]
    assert user.kernel[0].name == "my_kernel" and len(user.convergence) == 20


SCRIPT_2D = '''
import numpy as np
import iltpy as ilt

# 2D: both dimensions inverted
t1 = np.logspace(-2, 1, 24)
t2 = np.logspace(-2, 1, 20)
tau1 = np.logspace(-2, 1, 16)
tau2 = np.logspace(-2, 1, 14)
g_true = np.zeros((16, 14))
g_true[5, 9] = 40.0
K1 = ilt.Exponential().kernel(t1.reshape(1, -1), tau1.reshape(-1, 1))
K2 = ilt.Exponential().kernel(t2.reshape(1, -1), tau2.reshape(-1, 1))
np.random.seed(7)
data2D = K1.T @ g_true @ K2 + np.random.randn(24, 20)
data2D_ILT = ilt.iltload(data=data2D, t=[t1, t2])
data2D_ILT.init([tau1, tau2], kernel=[ilt.Exponential(), ilt.Exponential()], parameters={"maxloop": 30})
data2D_ILT.invert(verbose=0)

# pseudo-2D: the second dimension is regularised, not inverted (e.g. a chemical shift axis)
ppm = np.linspace(0.5, 4.0, 12)
pseudo = ilt.iltload(data=K1.T @ np.outer(g_true[:, 9], np.hanning(12)) + np.random.randn(24, 12), t=t1)
pseudo.init(tau1, kernel=ilt.Exponential(), dim_ndim=ppm, parameters={"maxloop": 30})
pseudo.invert(verbose=0)
'''


def test_iltpy_2d_script_runs_unchanged():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # ILTpy's alt_g performance hints
        ns = run_iltpy_script(SCRIPT_2D)
    two = ns["data2D_ILT"]
    assert two.g.shape == (16, 14) and two.fit.shape == (24, 20)
    assert np.unravel_index(np.argmax(two.g), two.g.shape) == (5, 9)
    pseudo = ns["pseudo"]
    assert pseudo.g.shape == (16, 12)
    assert [k.name for k in pseudo.kernel] == ["_exponential_", "_identity_"]
    np.testing.assert_array_equal(pseudo.tau[1].ravel(), ns["ppm"])
    assert np.argmax(pseudo.g.sum(axis=1)) == 5


SCRIPT_PLOT = '''
import matplotlib
matplotlib.use("Agg")
import numpy as np
import iltpy as ilt
from iltpy.output.plotting import iltplot

t = np.logspace(-2, 1, 50)
tau = np.logspace(-2, 1, 30)
noise = np.random.default_rng(1).normal(size=50)
data = 20 * ilt.Exponential().kernel(t.reshape(-1, 1), tau[12]).ravel() + noise
d = ilt.iltload(data=data, t=t)
d.init(tau, ilt.Exponential(), parameters={"maxloop": 10})
d.invert(verbose=0)
fig, axes = iltplot(d)
'''


def test_iltpy_plot_script_runs_unchanged():
    pytest.importorskip("matplotlib")
    pytest.importorskip("fastilt.plotting")
    ns = run_iltpy_script(SCRIPT_PLOT)
    assert len(ns["axes"]) == 3
    import matplotlib.pyplot as plt

    plt.close(ns["fig"])
