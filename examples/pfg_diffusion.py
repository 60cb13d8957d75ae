"""Distribution of diffusion coefficients from a 1H PFG attenuation curve of water
===============================================================================

Data: ``data/nmr1d_pfg_water`` - 16 b-values (0.017 - 1.28 x 1e9 s/m²), from
aris-mav/NMRInversions.jl (MIT, (c) 2024 Aristarchos Mavridis; see SOURCE.md).
Signal ``S(b) = ∫ g(D) exp(-b D) dD``: the built-in Diffusion kernel; with b in
1e9 s/m², D comes out in 1e-9 m²/s.

Run: ``python pfg_diffusion.py`` (``--quick``: a coarse 30-point grid;
``--outdir DIR``: where the figure goes, default ``output/`` beside the script).
"""

# %%
# Set-up
# ------
# The data lie in ``data/nmr1d_pfg_water/`` beside this script: the
# ``examples/`` folder of fastilt's source has them; a downloaded script (or
# notebook) needs that folder beside it.

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import curve_fit

import fastilt as ilt

# The script's folder; a notebook has no __file__ and runs in its own folder.
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
DATA = HERE / "data" / "nmr1d_pfg_water"

parser = argparse.ArgumentParser(description="Distribution of diffusion coefficients of water")
parser.add_argument("--quick", action="store_true", help="coarse 30-point grid")
parser.add_argument("--outdir", type=Path, default=HERE / "output", help="folder of the figure")
args, _ = parser.parse_known_args()  # known ones only: Jupyter passes arguments of its own


def load(name):
    """``DATA/name`` as an array; a missing file is named with where to get it."""
    if not (DATA / name).is_file():
        raise FileNotFoundError(f"{DATA / name} not found: download examples/data/{DATA.name}/{name} "
                                f"of fastilt's source into {DATA}")
    return np.loadtxt(DATA / name)


b = load("dim1.txt")  # 1e9 s/m²
signal = load("data.txt")

# %%
# Noise level
# -----------
# 16 points and no second channel: the noise sd is estimated from the residuals
# of a two-component exponential least-squares fit (4 parameters,
# ``sqrt(RSS / (N - 4))``).  The data are very clean (SNR ~ 2000): the
# distribution is a narrow line.


def two_exponentials(b, a1, d1, a2, d2):
    return a1 * np.exp(-b * d1) + a2 * np.exp(-b * d2)


p, _ = curve_fit(two_exponentials, b, signal, p0=[signal[0], 3.0, 0.1 * signal[0], 0.3], maxfev=20000)
sd = float(np.sqrt(np.sum((signal - two_exponentials(b, *p)) ** 2) / (b.size - 4)))
print(f"noise sd from a bi-exponential fit: {sd:.2e} (signal {signal[0]:.2f})")

# %%
# Inversion
# ---------

diffusivity = np.logspace(-1.5, 1.5, 30 if args.quick else 80)  # 1e-9 m²/s
data = ilt.iltload(data=signal / sd, t=b)
data.init(diffusivity, ilt.Diffusion())
data.invert(verbose=0)

peak = diffusivity[np.argmax(data.g)]
positive = np.clip(data.g, 0, None)
log_mean = float(np.exp(np.sum(positive * np.log(diffusivity)) / np.sum(positive)))
print(f"residuals (noise units): mean {data.residuals.mean():+.3f}, std {data.residuals.std():.3f}")
print(f"distribution peak D = {peak:.2f}e-9 m²/s, log mean {log_mean:.2f}e-9 m²/s")

# %%
# Figure
# ------

fig, (ax_data, ax_g, ax_res) = ilt.iltplot(data)
fig.suptitle("Water, 1H PFG diffusion attenuation")
ax_data.set_xlabel(r"b ($10^9$ s/m$^2$)")
ax_data.set_ylabel("signal / noise sd")
ax_data.set_yscale("log")
ax_res.set_xlabel(r"b ($10^9$ s/m$^2$)")
ax_g.set_xlabel(r"D ($10^{-9}$ m$^2$/s)")
ax_g.axvline(2.3, color="tab:orange", ls="--", lw=1.2, label="free water, 25 °C (2.3)")
ax_g.axvline(peak, color="k", lw=1, label=f"peak {peak:.2f}")
ax_g.legend(frameon=False, loc="upper left")

args.outdir.mkdir(parents=True, exist_ok=True)
png = args.outdir / "pfg_diffusion.png"
fig.savefig(png, dpi=130)
print(f"figure written to {png}")
plt.show()
