"""Helpers shared by the gallery scripts: arguments, data paths, noise estimates, figures.

Every script accepts ``--quick`` (a coarser tau grid / smaller problem, used by
the tests) and ``--outdir`` (where the PNG goes, default ``examples/output/``).
"""

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
DEFAULT_OUTDIR = HERE / "output"

try:  # an installed fastilt, or the source tree of this checkout
    import fastilt  # noqa: F401
except ImportError:  # pragma: no cover - running from a checkout without installing
    sys.path.insert(0, str(HERE.parent / "src"))
    import fastilt  # noqa: F401


def parse_args(description, argv=None):
    # the script's title line; sphinx-gallery runs the scripts with an empty __doc__
    parser = argparse.ArgumentParser(description=(description or "").strip().partition("\n")[0] or None)
    parser.add_argument(
        "--quick", action="store_true",
        help="coarser tau grid and smaller problem (seconds; used by the tests)",
    )
    parser.add_argument(
        "--outdir", type=Path, default=DEFAULT_OUTDIR,
        help=f"folder for the PNG (default: {DEFAULT_OUTDIR})",
    )
    parser.add_argument("--show", action="store_true", help="also show the figure on screen")
    args = parser.parse_args(argv)
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    return args


def load(dataset, name):
    """``examples/data/<dataset>/<name>`` as an array."""
    return np.loadtxt(DATA / dataset / name)


def noise_sd_linear_tail(y, x=None):
    """Noise sd of a signal-free stretch: std of the residuals of a straight-line fit.

    This is how the ILTpy documentation estimates the noise level (the tail of
    a decay, a baseline region of a spectrum).
    """
    y = np.asarray(y, dtype=float)
    x = np.arange(y.size) if x is None else np.asarray(x, dtype=float)
    trend = np.polyval(np.polyfit(x, y, 1), x)
    return float(np.std(y - trend, ddof=2))


def noise_sd_differences(y, axis=-1):
    """Noise sd from successive differences, ``std(diff(y)) / sqrt(2)``.

    Insensitive to a slowly varying signal, so it can be used where the
    signal has not fully decayed; assumes uncorrelated noise.
    """
    return float(np.std(np.diff(np.asarray(y, dtype=float), axis=axis)) / np.sqrt(2))


def log_mean(tau, g):
    """Logarithmic mean of ``tau`` weighted by ``g`` (e.g. the T2 log mean of petrophysics)."""
    g = np.clip(np.asarray(g, dtype=float), 0, None)
    return float(np.exp(np.sum(g * np.log(tau)) / np.sum(g)))


def save_figure(fig, outdir, name, show=False):
    """Save ``fig`` as ``<outdir>/<name>.png`` (creating the folder) and return the path."""
    import matplotlib.pyplot as plt

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / f"{name}.png"
    fig.savefig(path, dpi=130)
    if show:
        plt.show()
    plt.close(fig)
    print(f"figure written to {path}")
    return path


def residual_summary(iltdata):
    r = np.asarray(iltdata.residuals, dtype=float)
    return f"residuals (noise units): mean {r.mean():+.3f}, std {r.std():.3f}"
