"""T1 distribution from a 1H inversion-recovery curve, with a static baseline
==========================================================================

Data: ``data/nmr1d_t1ir_bunter_sandstone`` - 32 inversion times (20 µs - 5.7 s) on
the Bunter sandstone plug of ``cpmg_sandstone.py`` (GeoSpec, 2.2 MHz), from
aris-mav/NMRInversions.jl (MIT, (c) 2024 Aristarchos Mavridis; see SOURCE.md).
The instrument reports a T1 log mean of 17.435 ms.

Run: ``python t1_inversion_recovery.py`` (``--quick``: a coarse 30-point grid;
``--outdir DIR``: where the figure goes, default ``output/`` beside the script).
"""

# %%
# Set-up
# ------
# The data lie in ``data/nmr1d_t1ir_bunter_sandstone/`` beside this script: the
# ``examples/`` folder of fastilt's source has them; a downloaded script (or
# notebook) needs that folder beside it.

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fastilt as ilt

# The script's folder; a notebook has no __file__ and runs in its own folder.
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
DATA = HERE / "data" / "nmr1d_t1ir_bunter_sandstone"

parser = argparse.ArgumentParser(description="T1 distribution from an inversion-recovery curve")
parser.add_argument("--quick", action="store_true", help="coarse 30-point grid")
parser.add_argument("--outdir", type=Path, default=HERE / "output", help="folder of the figure")
args, _ = parser.parse_known_args()  # known ones only: Jupyter passes arguments of its own
INSTRUMENT_T1LM_MS = 17.435


def load(name):
    """``DATA/name`` as an array; a missing file is named with where to get it."""
    if not (DATA / name).is_file():
        raise FileNotFoundError(f"{DATA / name} not found: download examples/data/{DATA.name}/{name} "
                                f"of fastilt's source into {DATA}")
    return np.loadtxt(DATA / name)


t = load("dim1.txt")  # inversion times, s
signal = load("data.txt")

# %%
# Noise level
# -----------
# The imaginary channel after phasing carries no signal: the sd of its
# successive differences (over sqrt 2) scales the data to unit noise variance.

sd = float(np.std(np.diff(load("data_imag_after_phase.txt"))) / np.sqrt(2))
print(f"noise sd from the imaginary channel: {sd:.1f} (instrument: Noise = 123)")

# %%
# Inversion
# ---------
# An inversion-recovery signal ``M0 (1 - (1 + k) exp(-t/T1))`` is not a sum of
# decaying exponentials, but it is a constant plus one:
# ``M0 - M0 (1 + k) exp(-t/T1)``.  ILTpy's way to invert it is the Exponential
# kernel with a *static baseline* (``sb=True``, one extra unknown for the
# constant): g then comes out negative, ``-g`` is the T1 distribution, and the
# inversion efficiency ``k`` needs no assumption.  (A user kernel
# ``1 - 2 exp(-t/T1)``, an ``IltKernel`` subclass, is the alternative; see
# ``pseudo2d_ir_spectra.py``.)

tau = np.logspace(-5, 1.5, 30 if args.quick else 80)  # T1 grid, s
data = ilt.iltload(data=signal / sd, t=t)
data.init(tau, ilt.Exponential(), parameters={"sb": True})
data.invert(verbose=0)

t1_distribution, baseline = -data.g[:-1], data.g[-1]
positive = np.clip(t1_distribution, 0, None)
t1lm = float(np.exp(np.sum(positive * np.log(tau)) / np.sum(positive)))  # log mean
efficiency = t1_distribution.sum() / baseline - 1
print(f"residuals (noise units): mean {data.residuals.mean():+.3f}, std {data.residuals.std():.3f}")
print(f"T1 log mean {t1lm * 1e3:.2f} ms (instrument {INSTRUMENT_T1LM_MS} ms); "
      f"M0 = baseline = {baseline * sd:.0f}; inversion efficiency k = {efficiency:.3f}")

# %%
# Figure
# ------
# ``iltplot`` draws data and fit, the distribution (here ``-g``) and the
# residuals.

fig, (ax_data, ax_g, ax_res) = ilt.iltplot(data, negative_g=True)
fig.suptitle("Bunter sandstone, 1H inversion recovery (2.2 MHz)")
ax_data.set_xlabel("inversion time t (s)")
ax_data.set_ylabel("signal / noise sd")
ax_res.set_xlabel("inversion time t (s)")
ax_g.set_xlabel("T1 (s)")
ax_g.set_ylabel("-g (T1 distribution)")
ax_g.axvline(t1lm, color="k", lw=1, label=f"T1 log mean {t1lm * 1e3:.1f} ms")
ax_g.axvline(INSTRUMENT_T1LM_MS / 1e3, color="tab:orange", lw=1.2, ls="--",
             label=f"instrument T1LM {INSTRUMENT_T1LM_MS:.1f} ms")
ax_g.legend(frameon=False, loc="upper right")

args.outdir.mkdir(parents=True, exist_ok=True)
png = args.outdir / "t1_inversion_recovery.png"
fig.savefig(png, dpi=130)
print(f"figure written to {png}")
plt.show()
