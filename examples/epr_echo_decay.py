"""Distribution of phase-memory times from an X-band pulsed-EPR Hahn echo decay
============================================================================

Data: ``data/epr1d_hahn_echo_decay_dnplab`` - two-pulse echo decay, inter-pulse
delay τ = 100 ns ... 5.21 µs in 10 ns steps, mean of 50 phased traces (Bruker
Elexsys, 9.3 GHz, 329 mT), from DNPLab/DNPLab (MIT, (c) 2020 Bridge12
Technologies, Inc.; see SOURCE.md).  The echo forms at 2τ, so the decay
variable is t = 2τ (in µs here).

Run: ``python epr_echo_decay.py`` (``--quick``: a coarse 30-point grid;
``--outdir DIR``: where the figure goes, default ``output/`` beside the script).
"""

# %%
# Set-up
# ------
# The data lie in ``data/epr1d_hahn_echo_decay_dnplab/`` beside this script:
# the ``examples/`` folder of fastilt's source has them; a downloaded script
# (or notebook) needs that folder beside it.

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fastilt as ilt

# The script's folder; a notebook has no __file__ and runs in its own folder.
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
DATA = HERE / "data" / "epr1d_hahn_echo_decay_dnplab"

parser = argparse.ArgumentParser(description="Phase-memory times from a Hahn echo decay")
parser.add_argument("--quick", action="store_true", help="coarse 30-point grid")
parser.add_argument("--outdir", type=Path, default=HERE / "output", help="folder of the figure")
args, _ = parser.parse_known_args()  # known ones only: Jupyter passes arguments of its own


def load(name):
    """``DATA/name`` as an array; a missing file is named with where to get it."""
    if not (DATA / name).is_file():
        raise FileNotFoundError(f"{DATA / name} not found: download examples/data/{DATA.name}/{name} "
                                f"of fastilt's source into {DATA}")
    return np.loadtxt(DATA / name)


tau_pulse = load("dim1.txt")  # inter-pulse delay, s
echo = load("data.txt")

# %%
# Noise and ESEEM
# ---------------
# The noise sd sigma comes from successive differences of the last 150 points
# (the echo has decayed there).  The decay carries proton nuclear modulation
# (ESEEM: 14 MHz at 329 mT, a period of 71 ns ≈ 7 points).  Averaging blocks of
# 7 points removes most of it and leaves independent points with noise sd
# sigma / sqrt(7); the first 200 ns (dead time and the strongest modulation)
# are dropped.

BLOCK = 7  # points per proton-ESEEM period (71 ns / 10 ns)
sigma = float(np.std(np.diff(echo[-150:])) / np.sqrt(2))

keep = tau_pulse >= 300e-9
t = 2 * tau_pulse[keep] * 1e6  # echo time 2τ, µs
y = echo[keep]
n = y.size // BLOCK * BLOCK
t_block = t[:n].reshape(-1, BLOCK).mean(axis=1)
y_block = y[:n].reshape(-1, BLOCK).mean(axis=1)
sd = sigma / np.sqrt(BLOCK)
print(f"noise sd {sigma:.1f} per point, {sd:.1f} per {BLOCK}-point block; {y_block.size} blocks")

# %%
# Inversion
# ---------
# The decay is *faster* than exponential at long times (a stretched-exponential
# fit gives an exponent ≈ 1.3, typical of spectral diffusion), which no
# non-negative sum of exponentials reproduces: with the Exponential kernel g
# has large negative lobes.  The built-in Gaussian kernel ``exp(-t²/(2 T²))``
# with non-negativity (``nn``) fits to the noise level.

grid = np.logspace(-0.7, 1.3, 30 if args.quick else 70)  # Gaussian decay time T, µs
data = ilt.iltload(data=y_block / sd, t=t_block)
data.init(grid, ilt.Gaussian(), parameters={"nn": True})
data.invert(verbose=0)

peak = grid[np.argmax(data.g)]
print(f"residuals (noise units): mean {data.residuals.mean():+.3f}, std {data.residuals.std():.3f}")
print(f"main component at T = {peak:.2f} µs (Gaussian decay time, t = 2τ)")

# %%
# Figure
# ------

fig, (ax_data, ax_g, ax_res) = ilt.iltplot(data)
fig.suptitle("X-band Hahn echo decay (2-pulse ESE), 7-point ESEEM averaging")
ax_data.set_xlabel(r"echo time $2\tau$ (µs)")
ax_data.set_ylabel("echo / noise sd")
ax_data.set_yscale("log")
ax_data.set_ylim(0.5, None)
ax_res.set_xlabel(r"echo time $2\tau$ (µs)")
ax_g.set_xlabel(r"Gaussian decay time $T$ (µs)    [kernel $\exp(-t^2 / 2T^2)$]")
ax_g.set_ylabel("g (non-negative)")
ax_g.axvline(peak, color="k", lw=1, label=f"main component {peak:.2f} µs")
ax_g.legend(frameon=False, loc="upper left")

args.outdir.mkdir(parents=True, exist_ok=True)
png = args.outdir / "epr_echo_decay.png"
fig.savefig(png, dpi=130)
print(f"figure written to {png}")
plt.show()
