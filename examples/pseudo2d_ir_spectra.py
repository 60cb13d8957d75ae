"""Pseudo-2D inversion of 1H inversion-recovery spectra: T1 resolved along the spectrum
====================================================================================

Data: ``data/nmrpseudo2d_t1ir_odnp_water_dnplab`` - 8 recovery delays (20 ms - 30 s)
x 962 points of the processed water spectrum, 14.8 MHz (0.35 T ODNP set-up),
Bruker TopSpin data from DNPLab/DNPLab (MIT, (c) 2020 Bridge12 Technologies,
Inc.; see SOURCE.md).  A mono-exponential fit of the integrals gives T1 ≈ 2.1 s.

The first dimension (recovery delay) is inverted with a user kernel; the second
(frequency) is regularised but not inverted (the Identity kernel that fastilt
adds for it), so g(T1, f) is "the spectrum of the spins with relaxation time T1".

Run: ``python pseudo2d_ir_spectra.py`` (``--quick``: 8-point bins and a
12-point grid; ``--outdir DIR``: where the figure goes, default ``output/``
beside the script).
"""

# %%
# Set-up
# ------
# The data lie in ``data/nmrpseudo2d_t1ir_odnp_water_dnplab/`` beside this script: the
# ``examples/`` folder of fastilt's source has them; a downloaded script (or
# notebook) needs that folder beside it.

import argparse
import time
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import curve_fit

import fastilt as ilt

# The script's folder; a notebook has no __file__ and runs in its own folder.
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
DATA = HERE / "data" / "nmrpseudo2d_t1ir_odnp_water_dnplab"

parser = argparse.ArgumentParser(description="T1 resolved along inversion-recovery spectra")
parser.add_argument("--quick", action="store_true", help="8-point bins, 12-point grid")
parser.add_argument("--outdir", type=Path, default=HERE / "output", help="folder of the figure")
args, _ = parser.parse_known_args()  # known ones only: Jupyter passes arguments of its own


def load(name):
    """``DATA/name`` as an array; a missing file is named with where to get it."""
    if not (DATA / name).is_file():
        raise FileNotFoundError(f"{DATA / name} not found: download examples/data/{DATA.name}/{name} "
                                f"of fastilt's source into {DATA}")
    return np.loadtxt(DATA / name)


delays = load("dim1.txt")  # s
freq = load("dim2.txt")  # Hz
real = load("data.txt")
imag = load("data_imag.txt")

# %%
# Alignment
# ---------
# The line drifts by up to 23 Hz between delays (field drift), which a
# per-frequency inversion would read as relaxation.  Each spectrum is shifted
# onto the last one (cross-correlation of magnitude spectra, sub-point
# interpolation); the spectrum at the null of the recovery is too weak for that
# and takes the shift interpolated from its neighbours.


def align_spectra(real, imag, freq, window):
    """Shift each spectrum onto the last one; returns the aligned real parts and the shifts (Hz)."""
    magnitude = np.hypot(real, imag)
    step = freq[1] - freq[0]
    lags = np.arange(-40, 41)
    reference = magnitude[-1, window]
    shifts = np.empty(real.shape[0])
    for i, row in enumerate(magnitude):
        score = np.array([np.dot(np.roll(row, -lag)[window], reference) for lag in lags])
        j = int(np.clip(np.argmax(score), 1, lags.size - 2))
        y0, y1, y2 = score[j - 1 : j + 2]
        shifts[i] = (lags[j] + 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2)) * step
    noise = magnitude[:, ~window].std(axis=1)
    weak = magnitude[:, window].max(axis=1) < 20 * noise
    if weak.any() and (~weak).sum() >= 2:
        shifts[weak] = np.interp(np.flatnonzero(weak), np.flatnonzero(~weak), shifts[~weak])
    aligned = np.array([np.interp(freq + s, freq, row) for row, s in zip(real, shifts)])
    return aligned, shifts


aligned, shifts = align_spectra(real, imag, freq, window=(freq > 0) & (freq < 350))
print("shifts (Hz):", np.round(shifts, 1))

# %%
# Inversion efficiency, size and noise
# ------------------------------------
# A fit of the integrals gives the inversion efficiency k of the kernel below.
# The spectra are cropped to 50-300 Hz around the line and averaged over 4
# points (5 Hz; 8 with ``--quick``): 8 x 50 data, 24 x 50 unknowns.  The noise
# sd comes from the signal-free ends of the spectra, binned alike.


def recovery(t, a, b, t1):
    return a - b * np.exp(-t / t1)


def bin_points(x, size):
    n = x.shape[-1] // size * size
    return x[..., :n].reshape(*x.shape[:-1], -1, size).mean(axis=-1)


line = (freq > 50) & (freq < 300)
integrals = aligned[:, line].sum(axis=1)
(a, b, t1_mono), _ = curve_fit(recovery, delays, integrals, p0=[integrals[-1], 2 * integrals[-1], 1.0])
efficiency = b / a - 1
print(f"integrals: mono-exponential T1 = {t1_mono:.2f} s, inversion efficiency k = {efficiency:.3f}")

size = 8 if args.quick else 4
spectra = bin_points(aligned[:, line], size)
axis = bin_points(freq[line], size)
sd = float(bin_points(np.concatenate([real[:, freq < -100], real[:, freq > 450]], axis=1), size).std())

# %%
# Inversion
# ---------
# Inversion recovery ``1 - (1 + k) exp(-t/T1)`` as an ``IltKernel`` subclass
# (``base_tau`` 1: logarithmic T1 axis, 0: the linear frequency axis), and
# ``alpha_00 = 5``: five times the default regularisation, because the residual
# line-shape changes between delays otherwise show up as spurious lobes.


class InversionRecovery(ilt.IltKernel):
    """``1 - (1 + k) exp(-t / T1)``: inversion recovery with inversion efficiency k."""

    def __init__(self, efficiency=1.0):
        self.name = "inversion_recovery"
        self.efficiency = float(efficiency)
        self.kernel = self._kernel
        self.kernel_str = f"1 - {1 + self.efficiency:.4g} * exp(-t / tau)"

    def _kernel(self, t, tau):
        return 1 - (1 + self.efficiency) * np.exp(-t / tau)


tau = np.logspace(-1.5, 2, 12 if args.quick else 24)  # T1, s
data = ilt.iltload(data=spectra / sd, t=[delays, axis])
with warnings.catch_warnings():
    # fastilt (like ILTpy) reminds that a user kernel needs base_tau; it is set here.
    warnings.filterwarnings("ignore", message="base_tau must be set")
    data.init(tau, InversionRecovery(efficiency), parameters={"base_tau": [1, 0], "alpha_00": 5})
start = time.perf_counter()
data.invert(verbose=0)
seconds = time.perf_counter() - start  # the inversion alone, at a clock finer than inversion_time's

g = data.g  # noise units, like the data it was fitted to
t1_profile = g.sum(axis=1)
t1_peak = tau[np.argmax(t1_profile)]
print(f"residuals (noise units): mean {data.residuals.mean():+.3f}, std {data.residuals.std():.3f}")
print(f"data {spectra.shape}, g {g.shape}; inverted in {seconds * 1e3:.1f} ms "
      f"({data.solver} solver); T1 peak {t1_peak:.2f} s")

# %%
# Figure
# ------

fig = plt.figure(figsize=(11, 4.6), layout="constrained")
grid = fig.add_gridspec(1, 3, width_ratios=[1, 1.35, 0.45])
ax_spec = fig.add_subplot(grid[0, 0])
ax_map = fig.add_subplot(grid[0, 1])
ax_t1 = fig.add_subplot(grid[0, 2], sharey=ax_map)
colours = plt.cm.viridis(np.linspace(0, 0.9, delays.size))
for row, delay, colour in zip(spectra, delays, colours):
    ax_spec.plot(axis, row / sd, color=colour, lw=1.2, label=f"{delay:.3g} s")
ax_spec.axhline(0, color="0.5", lw=0.6)
ax_spec.set_xlabel("frequency offset (Hz)")
ax_spec.set_ylabel("signal / noise sd")
ax_spec.set_title("aligned, binned spectra")
ax_spec.legend(title="delay", frameon=False, fontsize=7, title_fontsize=7, ncol=2)

top = np.abs(g).max()
mesh = ax_map.pcolormesh(axis, tau, g, cmap="RdBu_r", vmin=-top, vmax=top, shading="nearest")
ax_map.contour(axis, tau, g, levels=np.linspace(0.15, 0.9, 5) * top, colors="k", linewidths=0.5)
ax_map.set_yscale("log")
ax_map.set_xlabel("frequency offset (Hz)")
ax_map.set_ylabel("T1 (s)")
ax_map.set_title("g(T1, frequency)")
fig.colorbar(mesh, ax=ax_map, label="g (noise units)", pad=0.01)

ax_t1.plot(t1_profile / np.abs(t1_profile).max(), tau, color="tab:purple", lw=1.8)
ax_t1.axhline(t1_mono, color="tab:orange", ls="--", lw=1.2, label=f"mono-exp. {t1_mono:.2f} s")
ax_t1.set_xlabel("sum over frequency\n(normalised)")
ax_t1.tick_params(labelleft=False)
ax_t1.legend(frameon=False, fontsize=7, loc="upper right")
for ax in (ax_spec, ax_t1):
    ax.grid(True, ls=":", lw=0.5)
fig.suptitle("Water 1H inversion recovery at 14.8 MHz: pseudo-2D T1 inversion")

args.outdir.mkdir(parents=True, exist_ok=True)
png = args.outdir / "pseudo2d_ir_spectra.png"
fig.savefig(png, dpi=130)
print(f"figure written to {png}")
plt.show()
