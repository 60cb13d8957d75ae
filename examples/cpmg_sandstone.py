"""T2 distribution of a water-saturated sandstone from a 1H CPMG decay
===================================================================

Data: ``data/nmr1d_cpmg_bunter_sandstone`` - 23148 echoes (0.108 ms echo spacing)
of a Bunter sandstone plug on an Oxford Instruments GeoSpec (2.2 MHz), from
aris-mav/NMRInversions.jl (MIT, (c) 2024 Aristarchos Mavridis; see SOURCE.md).
The instrument's own analysis reports a T2 log mean of 12.777 ms.

Run: ``python cpmg_sandstone.py`` (``--quick``: a coarse 40-point grid without
the statistics; ``--outdir DIR``: where the figure goes, default ``output/`` beside the
script).
"""

# %%
# Set-up
# ------
# The data lie in ``data/nmr1d_cpmg_bunter_sandstone/`` beside this script: the
# ``examples/`` folder of fastilt's source has them; a downloaded script (or
# notebook) needs that folder beside it.

import argparse
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fastilt as ilt

# The script's folder; a notebook has no __file__ and runs in its own folder.
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
DATA = HERE / "data" / "nmr1d_cpmg_bunter_sandstone"

parser = argparse.ArgumentParser(description="T2 distribution of a sandstone from a CPMG decay")
parser.add_argument("--quick", action="store_true", help="coarse 40-point grid, no statistics")
parser.add_argument("--outdir", type=Path, default=HERE / "output", help="folder of the figure")
args, _ = parser.parse_known_args()  # known ones only: Jupyter passes arguments of its own
INSTRUMENT_T2LM_MS = 12.777


def load(name):
    """``DATA/name`` as an array; a missing file is named with where to get it."""
    if not (DATA / name).is_file():
        raise FileNotFoundError(f"{DATA / name} not found: download examples/data/{DATA.name}/{name} "
                                f"of fastilt's source into {DATA}")
    return np.loadtxt(DATA / name)


t = load("dim1.txt")  # echo times, s
signal = load("data.txt")  # phased real part, arbitrary units

# %%
# Noise level
# -----------
# The regularisation is calibrated for unit-variance noise, so the data are
# divided by their noise sd: here the sd of the signal-free tail (t > 1.5 s)
# about a straight line (the tail keeps a small offset), as ILTpy's
# documentation does it.  ``ilt.estimate_noise`` offers this and other
# estimators for data of your own.

tail = t > 1.5
trend = np.polyval(np.polyfit(t[tail], signal[tail], 1), t[tail])
sd = float(np.std(signal[tail] - trend, ddof=2))
print(f"noise sd from the tail: {sd:.1f} (instrument: Noise = 82.9)")

# %%
# Inversion
# ---------
# The Exponential kernel on log-spaced T2 from 0.1 ms to 10 s, with SVD
# compression of the 23148-point kernel (``compress``, 30 singular values) and a
# static baseline (``sb``) for the small offset left in the tail.  The last
# value of ``g`` is that baseline.

tau = np.logspace(-4, 1, 40 if args.quick else 100)  # T2 grid, s
data = ilt.iltload(data=signal / sd, t=t)
data.init(tau, ilt.Exponential(), parameters={"compress": True, "s": 30, "sb": True})
start = time.perf_counter()
data.invert(verbose=0)
seconds = time.perf_counter() - start  # the inversion alone, at a clock finer than inversion_time's

g, baseline = data.g[:-1], data.g[-1]
positive = np.clip(g, 0, None)
t2lm = float(np.exp(np.sum(positive * np.log(tau)) / np.sum(positive)))  # log mean of petrophysics
print(f"residuals (noise units): mean {data.residuals.mean():+.3f}, std {data.residuals.std():.3f}")
print(f"T2 log mean {t2lm * 1e3:.2f} ms (instrument {INSTRUMENT_T2LM_MS} ms); "
      f"baseline {baseline * sd:.1f} units; inverted in {seconds * 1e3:.1f} ms "
      f"({data.solver} solver)")

# %%
# Uncertainty
# -----------
# ``iltstats`` re-inverts the data with fresh noise of the same level (10 times
# here): the spread of ``g`` is a ±1 sd band.

band = None
if not args.quick:
    data.iltstats(n=10, random_seed=0, verbose=0)
    band = [bound[:-1] for bound in data.statistics["g_conf_interval"]]

# %%
# Figure
# ------
# Decay and fit, residuals, and the T2 distribution with its band and
# cumulative curve.

fig = plt.figure(figsize=(10, 5.6), layout="constrained")
grid = fig.add_gridspec(2, 2, width_ratios=[1, 1.25], height_ratios=[1.6, 1])
ax_decay = fig.add_subplot(grid[0, 0])
ax_res = fig.add_subplot(grid[1, 0], sharex=ax_decay)
ax_g = fig.add_subplot(grid[:, 1])

ms = 1e3
ax_decay.plot(t * ms, signal, color="0.55", lw=0.5, label="CPMG echoes")
ax_decay.plot(t * ms, data.fit * sd, color="tab:red", lw=1.4, label="fit")
ax_decay.set_xscale("log")
ax_decay.set_ylabel("echo amplitude (a.u.)")
ax_decay.set_title("Bunter sandstone, 1H CPMG (2.2 MHz)")
ax_decay.legend(frameon=False)
ax_decay.tick_params(labelbottom=False)

ax_res.plot(t * ms, data.residuals, ls="none", marker=".", ms=1, color="0.3", alpha=0.4)
ax_res.axhline(0, color="tab:red", lw=0.8)
ax_res.set_xlabel("echo time t (ms)")
ax_res.set_ylabel("residual / noise sd")
ax_res.set_ylim(-5, 5)
ax_res.text(0.02, 0.92, f"std {np.std(data.residuals):.2f}", transform=ax_res.transAxes, va="top")

amplitude = g * sd  # signal units per grid point
if band is not None:
    ax_g.fill_between(tau * ms, band[0] * sd, band[1] * sd, color="tab:green", alpha=0.25, lw=0,
                      label="±1 sd (iltstats, n = 10)")
ax_g.plot(tau * ms, amplitude, color="tab:green", lw=2, label="T2 distribution")
ax_g.axvline(t2lm * ms, color="k", lw=1, label=f"T2 log mean {t2lm * ms:.1f} ms")
ax_g.axvline(INSTRUMENT_T2LM_MS, color="tab:orange", lw=1.2, ls="--",
             label=f"instrument T2LM {INSTRUMENT_T2LM_MS:.1f} ms")
ax_g.set_xscale("log")
ax_g.set_xlabel("T2 (ms)")
ax_g.set_ylabel("amplitude per grid point (a.u.)")
ax_g.set_title("T2 distribution (fastilt)")
cumulative = ax_g.twinx()
cumulative.plot(tau * ms, np.cumsum(positive) / np.sum(positive), color="tab:blue", lw=1, ls="--")
cumulative.set_ylabel("cumulative fraction", color="tab:blue")
cumulative.set_ylim(0, 1.05)
cumulative.tick_params(axis="y", colors="tab:blue")
ax_g.legend(frameon=False, loc="upper left", fontsize=8)
for ax in (ax_decay, ax_res, ax_g):
    ax.grid(True, ls=":", lw=0.5)

args.outdir.mkdir(parents=True, exist_ok=True)
png = args.outdir / "cpmg_sandstone.png"
fig.savefig(png, dpi=130)
print(f"figure written to {png}")
plt.show()
