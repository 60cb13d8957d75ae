"""Distribution of relaxation times (DRT) of a lithium-ion battery impedance spectrum
==================================================================================

Data: ``data/eis_pydrttools_lib`` - 107 frequencies, 1 kHz - 5 mHz, the "LIB_data"
example of ciuccislab/pyDRTtools (MIT, (c) 2023 ciuccislab; see SOURCE.md).

Model: ``Z(f) = R_inf + i 2 pi f L + ∫ gamma(tau) / (1 + 2 pi i f tau) dtau``.  The real
and the imaginary part are inverted separately with the built-in RealRcKernel
and ImagRcKernel, with non-negativity (``nn``; a passive RC network has
gamma >= 0).  For Kramers-Kronig-consistent data the two DRTs agree; where they
differ (here the low-frequency diffusion tail, which is not a finite set of RC
elements) the DRT is not reliable.

Run: ``python eis_drt.py`` (``--quick``: a coarse 40-point grid; ``--outdir
DIR``: where the figure goes, default ``output/`` beside the script).
"""

# %%
# Set-up
# ------
# The data lie in ``data/eis_pydrttools_lib/`` beside this script: the
# ``examples/`` folder of fastilt's source has them; a downloaded script (or
# notebook) needs that folder beside it.

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fastilt as ilt

# The script's folder; a notebook has no __file__ and runs in its own folder.
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
DATA = HERE / "data" / "eis_pydrttools_lib"

parser = argparse.ArgumentParser(description="DRT of a Li-ion battery impedance spectrum")
parser.add_argument("--quick", action="store_true", help="coarse 40-point grid")
parser.add_argument("--outdir", type=Path, default=HERE / "output", help="folder of the figure")
args, _ = parser.parse_known_args()  # known ones only: Jupyter passes arguments of its own


def load(name):
    """``DATA/name`` as an array; a missing file is named with where to get it."""
    if not (DATA / name).is_file():
        raise FileNotFoundError(f"{DATA / name} not found: download examples/data/{DATA.name}/{name} "
                                f"of fastilt's source into {DATA}")
    return np.loadtxt(DATA / name)


freq = load("freq.txt")  # Hz
z = load("z_real.txt") + 1j * load("z_imag.txt")  # ohm
omega = 2 * np.pi * freq

# %%
# Noise level
# -----------
# EIS has no replicate channel, so the noise sd is estimated with a linear
# Kramers-Kronig fit (Lin-KK, Schönleber et al., Electrochim. Acta 131 (2014)
# 20): R_inf, an inductance and N/3 RC elements with log-spaced time constants
# fitted to Re and Im by linear least squares; the residual sd is the noise
# level of a KK-consistent spectrum (0.04 % of ``|Z|`` here).

decades = (-np.log10(freq.max()) - 0.5, -np.log10(freq.min()) + 0.5)
time_constants = np.logspace(*decades, freq.size // 3) / (2 * np.pi)
rc = 1 / (1 + 1j * omega[:, None] * time_constants[None, :])
design = np.vstack([
    np.column_stack([np.ones(freq.size), np.zeros(freq.size), rc.real]),  # R_inf, inductance, RC elements
    np.column_stack([np.zeros(freq.size), omega, rc.imag]),
])
target = np.concatenate([z.real, z.imag])
kk_residual = target - design @ np.linalg.lstsq(design, target, rcond=None)[0]
sd = float(np.sqrt(np.sum(kk_residual**2) / (target.size - design.shape[1])))
print(f"noise sd (Lin-KK) {sd:.2e} ohm")

# %%
# Real part
# ---------
# All 107 points (an inductance has no real part): RealRcKernel with a static
# baseline (``sb``) for R_inf.

tau = np.logspace(np.log10(1 / omega.max()) - 1, np.log10(1 / omega.min()) + 1, 40 if args.quick else 100)  # s
real = ilt.iltload(data=z.real / sd, f=freq)
real.init(tau, ilt.RealRcKernel(), parameters={"nn": True, "sb": True})
real.invert(verbose=0)
gamma_real, r_inf = real.g[:-1] * sd, real.g[-1] * sd

# %%
# Inductance and imaginary part
# -----------------------------
# The highest frequencies are inductive (Im Z > 0: cables, cell winding).  L is
# the least-squares fit of ``Im Z - Im(DRT of the real part)`` by ``2 pi f L``;
# ``i 2 pi f L`` is then removed from the data and the imaginary part of the
# corrected spectrum inverted with ImagRcKernel.

imag_of_real_drt = ilt.ImagRcKernel().kernel(freq[None, :], tau[:, None]).T @ gamma_real
inductance = float(np.dot(omega, z.imag - imag_of_real_drt) / np.dot(omega, omega))
z_corrected = z - 1j * omega * inductance
imag = ilt.iltload(data=z_corrected.imag / sd, f=freq)
imag.init(tau, ilt.ImagRcKernel(), parameters={"nn": True})
imag.invert(verbose=0)
gamma_imag = imag.g * sd  # ohm per grid point
for part, fitted in (("real part:     ", real), ("imaginary part:", imag)):
    print(f"{part} residuals (noise units): mean {fitted.residuals.mean():+.3f}, std {fitted.residuals.std():.3f}")
print(f"R_inf {r_inf * 1e3:.2f} mohm; L {inductance * 1e6:.3f} uH; polarisation resistance "
      f"(sum of gamma): {gamma_real.sum() * 1e3:.2f} mohm (real), {gamma_imag.sum() * 1e3:.2f} mohm (imag)")

# %%
# Figure
# ------

mohm = 1e3
fig = plt.figure(figsize=(11, 4.8), layout="constrained")
grid = fig.add_gridspec(2, 2, width_ratios=[1, 1.5], height_ratios=[3, 1])
ax_nyq = fig.add_subplot(grid[:, 0])
ax_drt = fig.add_subplot(grid[0, 1])
ax_res = fig.add_subplot(grid[1, 1], sharex=ax_drt)

ax_nyq.plot(z.real * mohm, -z.imag * mohm, "o", ms=3.5, mfc="none", color="0.2", label="data")
ax_nyq.plot(real.fit * sd * mohm, -(imag.fit * sd + omega * inductance) * mohm, color="tab:red", lw=1.4,
            label=f"DRT fits (+ L = {inductance * 1e6:.2f} µH)")
ax_nyq.set_aspect("equal", adjustable="datalim")
ax_nyq.set_xlabel(r"Re Z (m$\Omega$)")
ax_nyq.set_ylabel(r"$-$Im Z (m$\Omega$)")
ax_nyq.set_title("Nyquist plot")
ax_nyq.legend(frameon=False, fontsize=8, loc="upper left")

ax_drt.plot(tau, gamma_real * mohm, color="tab:blue", lw=1.8, label=f"from Re Z (R$_\\infty$ = {r_inf * mohm:.1f} m$\\Omega$)")
ax_drt.plot(tau, gamma_imag * mohm, color="tab:green", lw=1.8, ls="--", label="from Im Z (inductance removed)")
ax_drt.set_xscale("log")
ax_drt.set_ylabel(r"$\gamma$ (m$\Omega$ per grid point)")
ax_drt.set_title("distribution of relaxation times")
ax_drt.legend(frameon=False, fontsize=8, loc="upper left")
ax_drt.tick_params(labelbottom=False)

ax_res.plot(1 / omega, real.residuals, "o", ms=3, color="tab:blue", label="Re")
ax_res.plot(1 / omega, imag.residuals, "s", ms=3, mfc="none", color="tab:green", label="Im")
ax_res.axhline(0, color="0.5", lw=0.8)
ax_res.set_xlabel(r"$\tau$ (s)   [residuals at $\tau = 1/(2\pi f)$]")
ax_res.set_ylabel("residual / sd")
ax_res.legend(frameon=False, fontsize=7, ncol=2, loc="lower left")
for ax in (ax_nyq, ax_drt, ax_res):
    ax.grid(True, ls=":", lw=0.5)
fig.suptitle("Li-ion battery EIS (pyDRTtools LIB_data): DRT with fastilt")

args.outdir.mkdir(parents=True, exist_ok=True)
png = args.outdir / "eis_drt.png"
fig.savefig(png, dpi=130)
print(f"figure written to {png}")
plt.show()
