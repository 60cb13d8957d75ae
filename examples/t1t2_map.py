"""2D T1-T2 correlation map of a brine-saturated Berea sandstone (IR-CPMG)
=======================================================================

Data: ``data/nmr2d_t1t2_berea_spinsolve`` - 16 inversion delays (1 ms - 3 s) x
1024 CPMG echoes (0.1 ms spacing), Magritek Spinsolve 44 MHz, from
aris-mav/NMRInversions.jl (MIT, (c) 2024 Aristarchos Mavridis; see SOURCE.md).
Each step of the preparation is a choice a user makes; the text says why.

Run: ``python t1t2_map.py`` (``--quick``: a coarse 14 x 14 grid; ``--outdir
DIR``: where the figure goes, default ``output/`` beside the script).
"""

# %%
# Set-up
# ------
# The data lie in ``data/nmr2d_t1t2_berea_spinsolve/`` beside this script: the
# ``examples/`` folder of fastilt's source has them; a downloaded script (or
# notebook) needs that folder beside it.

import argparse
import time
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fastilt as ilt

# The script's folder; a notebook has no __file__ and runs in its own folder.
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
DATA = HERE / "data" / "nmr2d_t1t2_berea_spinsolve"

parser = argparse.ArgumentParser(description="T1-T2 map of a Berea sandstone")
parser.add_argument("--quick", action="store_true", help="coarse 14 x 14 grid")
parser.add_argument("--outdir", type=Path, default=HERE / "output", help="folder of the figure")
args, _ = parser.parse_known_args()  # known ones only: Jupyter passes arguments of its own


def load(name):
    """``DATA/name`` as an array; a missing file is named with where to get it."""
    if not (DATA / name).is_file():
        raise FileNotFoundError(f"{DATA / name} not found: download examples/data/{DATA.name}/{name} "
                                f"of fastilt's source into {DATA}")
    return np.loadtxt(DATA / name)


t1 = load("dim1.txt")  # inversion delays, s
t2 = load("dim2.txt")  # echo times, s
signal = load("data.txt")  # (16, 1024)

# %%
# Preparation
# -----------
# * **Inversion recovery as a decay.**  Along t1 the signal is
#   ``M(T2) [1 - (1 + k) exp(-t1/T1)]``; the inversion efficiency k is not 1
#   here and differs between pore sizes.  The last delay (3 s, about 30 T1) is
#   fully recovered, so ``ΔM(t1, t2) = M(3 s, t2) - M(t1, t2)`` is a plain
#   double exponential decay, inverted with two Exponential kernels and
#   non-negativity (``nn``), whatever k is.  ΔM has noise sd sqrt(2) sigma.
# * **Noise** sigma from successive differences of the last 300 echoes of each
#   row.
# * **Early echoes**: the first two echoes deviate from the decay of the rest by
#   more than 10 sigma (pulse imperfections), so they are dropped.

sigma = float(np.std(np.diff(signal[:, -300:], axis=1)) / np.sqrt(2))
delta = (signal[-1] - signal[:-1])[:, 2:]  # recovered row minus each row; first two echoes dropped
t1_used, t2_used = t1[:-1], t2[2:]
sd = np.sqrt(2) * sigma
print(f"noise sd per point {sigma:.1f}; ΔM data {delta.shape}")

# %%
# Inversion
# ---------
# The 1022 echoes are SVD-compressed to 25 values (``compress``); ``alpha_c``
# is set to its default *for the uncompressed data* (``2 ΔQ Ntau / N_data``),
# because the default computed from the compressed size regularises 40 times
# more weakly and gives an oscillating map.

n = 14 if args.quick else 30
tau1 = np.logspace(-3, 1, n)  # T1, s
tau2 = np.logspace(-4, 0.3, n)  # T2, s
dq = np.log(tau1[-1] / tau1[-2])
alpha_c = 2 * dq * tau1.size * tau2.size / delta.size
data = ilt.iltload(data=delta / sd, t=[t1_used, t2_used])
with warnings.catch_warnings():
    # init advises alt_g=6 for dense 2D kernels; it gives the same map here, but the
    # normal equations (alt_g=0) of this 900-unknown problem are the faster route.
    warnings.filterwarnings("ignore", message="Setting alt_g equal to 6")
    data.init(
        [tau1, tau2],
        [ilt.Exponential(), ilt.Exponential()],
        parameters={"compress": [False, True], "s": [t1_used.size, 25], "alpha_c": alpha_c, "nn": True},
    )
start = time.perf_counter()
data.invert(verbose=0)
seconds = time.perf_counter() - start  # the inversion alone, at a clock finer than inversion_time's


def log_mean(tau, g):
    """Logarithmic mean of ``tau`` weighted by the positive part of ``g``."""
    positive = np.clip(g, 0, None)
    return float(np.exp(np.sum(positive * np.log(tau)) / np.sum(positive)))


g = data.g * sd  # signal units
print(f"residuals (noise units): mean {data.residuals.mean():+.3f}, std {data.residuals.std():.3f}")
print(f"inverted in {seconds * 1e3:.1f} ms ({data.solver} solver); "
      f"T1 log mean {log_mean(tau1, g.sum(1)) * 1e3:.0f} ms, T2 log mean {log_mean(tau2, g.sum(0)) * 1e3:.1f} ms")

# %%
# Figure
# ------
# The map with its T1 and T2 projections and the T1 = T2 and T1 = 10 T2 lines.

ms = 1e3
fig = plt.figure(figsize=(8.6, 7.2), layout="constrained")
grid = fig.add_gridspec(2, 3, width_ratios=[4, 1.2, 0.18], height_ratios=[1.2, 4])
ax_map = fig.add_subplot(grid[1, 0])
ax_t2 = fig.add_subplot(grid[0, 0], sharex=ax_map)
ax_t1 = fig.add_subplot(grid[1, 1], sharey=ax_map)
ax_cb = fig.add_subplot(grid[1, 2])
levels = np.linspace(0, g.max(), 16)[1:]
filled = ax_map.contourf(tau2 * ms, tau1 * ms, g, levels=levels, cmap="magma_r", extend="neither")
ax_map.contour(tau2 * ms, tau1 * ms, g, levels=levels[::3], colors="k", linewidths=0.4, alpha=0.6)
lims = np.array([tau2[0], tau1[-1]]) * ms
ax_map.plot(lims, lims, color="tab:blue", lw=1, ls="--", label="T1 = T2")
ax_map.plot(lims, 10 * lims, color="tab:blue", lw=1, ls=":", label="T1 = 10 T2")
ax_map.set_xscale("log")
ax_map.set_yscale("log")
ax_map.set_xlim(tau2[0] * ms, tau2[-1] * ms)
ax_map.set_ylim(tau1[0] * ms, tau1[-1] * ms)
ax_map.set_xlabel("T2 (ms)")
ax_map.set_ylabel("T1 (ms)")
ax_map.legend(frameon=False, loc="lower right")
ax_map.grid(True, ls=":", lw=0.5, alpha=0.6)
fig.colorbar(filled, cax=ax_cb, label="amplitude (a.u.)")

ax_t2.plot(tau2 * ms, g.sum(axis=0), color="tab:green", lw=1.8)
ax_t2.set_ylabel("T2 proj.")
ax_t2.tick_params(labelbottom=False)
ax_t2.set_title("Berea sandstone, T1-T2 (IR-CPMG, 44 MHz)")
ax_t1.plot(g.sum(axis=1), tau1 * ms, color="tab:purple", lw=1.8)
ax_t1.set_xlabel("T1 proj.")
ax_t1.tick_params(labelleft=False)
for ax in (ax_t1, ax_t2):
    ax.grid(True, ls=":", lw=0.5)
ax_t1.text(0.95, 0.02, f"residual std\n{np.std(data.residuals):.2f} (noise units)",
           transform=ax_t1.transAxes, ha="right", va="bottom", fontsize=8)

args.outdir.mkdir(parents=True, exist_ok=True)
png = args.outdir / "t1t2_map.png"
fig.savefig(png, dpi=130)
print(f"figure written to {png}")
plt.show()
