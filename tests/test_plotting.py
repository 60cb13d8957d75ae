"""iltplot: ILTpy's (fig, [ax_data, ax_g, ax_residuals]) for 1D and 2D results."""

import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402

import fastilt as ilt  # noqa: E402
from fastilt.plotting import iltplot  # noqa: E402
from reference_cases import initialised_case, inverted_case  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Setting alt_g equal to 6")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")



@pytest.fixture(scope="module")
def one_d():
    return inverted_case("1d_exponential_default", maxloop=20)


@pytest.fixture(scope="module")
def two_d():
    return inverted_case("2d_exponential_default", maxloop=10)


def _line_with(ax, ydata):
    return [line for line in ax.lines if np.shape(line.get_ydata()) == np.shape(ydata)
            and np.array_equal(line.get_ydata(), ydata)]


def test_1d_axes_and_g_line(one_d):
    fig, axes = iltplot(one_d)
    assert isinstance(fig, matplotlib.figure.Figure)
    assert isinstance(axes, list) and len(axes) == 3
    assert all(isinstance(ax, Axes) for ax in axes)
    assert len(fig.axes) == 3
    ax_data, ax_g, ax_res = axes
    (g_line,) = _line_with(ax_g, one_d.g)
    np.testing.assert_array_equal(g_line.get_xdata(), np.ravel(one_d.tau[0]))
    assert ax_g.get_xscale() == "log"
    assert _line_with(ax_data, one_d.data) and _line_with(ax_data, one_d.fit)
    assert _line_with(ax_res, one_d.residuals)
    for ax in axes:
        assert ax.get_xlabel() and ax.get_title()


def test_1d_negative_g(one_d):
    _, (_, ax_g, _) = iltplot(one_d, negative_g=True)
    assert _line_with(ax_g, -one_d.g)
    assert ax_g.get_ylabel() == "$-g$"


def test_1d_static_baseline_is_not_drawn_as_a_point():
    data = inverted_case("1d_exponential_sb", maxloop=10)
    _, (_, ax_g, _) = iltplot(data, negative_g=True)
    assert _line_with(ax_g, -data.g[:-1])
    texts = [t.get_text() for t in ax_g.texts]
    assert any(f"{data.g[-1]:.4g}" in t for t in texts)  # the baseline keeps its sign


def test_1d_residuals_scaled_by_sigma():
    data = inverted_case("1d_exponential_sigma", maxloop=10)
    _, (_, _, ax_res) = iltplot(data)
    assert _line_with(ax_res, data.residuals / data.sigma)
    _, (_, _, ax_res) = iltplot(data, scale_residuals=False)
    assert _line_with(ax_res, data.residuals)


def test_2d_map(two_d):
    fig, axes = iltplot(two_d)
    assert len(axes) == 3 and all(isinstance(ax, Axes) for ax in axes)
    assert len(fig.axes) == 4  # plus the colorbar
    ax_data, ax_g, ax_res = axes
    meshes = [c for c in ax_g.collections if isinstance(c, QuadMesh)]
    assert len(meshes) == 1
    np.testing.assert_array_equal(np.asarray(meshes[0].get_array()).ravel(), two_d.g.ravel())
    assert ax_g.get_xscale() == "log" and ax_g.get_yscale() == "log"
    assert ax_g.get_xlabel() and ax_g.get_ylabel()
    assert _line_with(ax_data, two_d.data.sum(axis=1))


def test_2d_options(two_d):
    _, (ax_data, ax_g, ax_res) = iltplot(two_d, transform_g=True, negative_g=True, transpose_residuals=True)
    mesh = next(c for c in ax_g.collections if isinstance(c, QuadMesh))
    expected = np.sign(-two_d.g) * np.sqrt(np.abs(two_d.g))
    np.testing.assert_allclose(np.asarray(mesh.get_array()).ravel(), expected.ravel())
    assert _line_with(ax_data, two_d.data.sum(axis=0))


def test_pseudo_2d_with_user_axis():
    rng = np.random.default_rng(0)
    t = np.logspace(-3, 1, 8)
    x = np.linspace(0, 5, 12)
    signal = np.exp(-t[:, None] / 0.1) * np.exp(-((x - 2.5) ** 2))[None, :] * 50
    data = ilt.iltload(data=signal + rng.standard_normal(signal.shape), t=t)
    data.init(np.logspace(-3, 1, 10), ilt.Exponential(), parameters={"maxloop": 5})
    data.invert(verbose=0)
    axis = np.linspace(100, 200, 12)
    _, (_, ax_g, _) = iltplot(data, dim_ndim=axis)
    assert ax_g.get_xscale() == "linear" and ax_g.get_yscale() == "log"
    left, right = ax_g.get_xlim()
    assert left <= 100 and right >= 200
    with pytest.raises(ValueError):
        iltplot(data, dim_ndim=np.arange(5))


def test_not_inverted_is_a_runtime_error():
    with pytest.raises(RuntimeError):
        iltplot(initialised_case("1d_exponential_default"))


def test_3d_is_a_value_error():
    data = ilt.iltload(data=np.ones((4, 3, 2)), t=np.logspace(-2, 0, 4))
    data.inverted = True  # only the dimension check matters here
    with pytest.raises(ValueError, match="1D and 2D"):
        iltplot(data)


def test_global_rcparams_untouched(one_d):
    before = dict(matplotlib.rcParams)
    iltplot(one_d)
    assert dict(matplotlib.rcParams) == before


def test_missing_matplotlib_gives_an_install_hint(one_d, monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install fastilt\[plot\]"):
        iltplot(one_d)
