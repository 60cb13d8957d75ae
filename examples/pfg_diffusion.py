"""Distribution of diffusion coefficients from a 1H PFG attenuation curve of water
===============================================================================

Data: ``data/nmr1d_pfg_water`` - 16 b-values (0.017 - 1.28 x 1e9 s/m²), from
aris-mav/NMRInversions.jl (MIT, (c) 2024 Aristarchos Mavridis; see SOURCE.md).
Signal ``S(b) = ∫ g(D) exp(-b D) dD``: the built-in Diffusion kernel; with b in
1e9 s/m², D comes out in 1e-9 m²/s.

Noise: 16 points and no second channel, so the noise sd is estimated from the
residuals of a two-component exponential least-squares fit (4 parameters,
``sqrt(RSS / (N - 4))``).  The data are very clean (SNR ~ 2000): the distribution
is a narrow line.

Run: ``python examples/pfg_diffusion.py [--quick]``.
"""

import numpy as np
from scipy.optimize import curve_fit

import _gallery as gallery
import fastilt as ilt
from fastilt.plotting import iltplot

DATASET = "nmr1d_pfg_water"


def _two_exponentials(b, a1, d1, a2, d2):
    return a1 * np.exp(-b * d1) + a2 * np.exp(-b * d2)


def prepare(quick=False):
    """Load, noise-scale and initialise, without inverting.

    Returns (diffusivity, data), the IltData last.
    """
    b = gallery.load(DATASET, "dim1.txt")  # 1e9 s/m²
    signal = gallery.load(DATASET, "data.txt")
    p, _ = curve_fit(_two_exponentials, b, signal, p0=[signal[0], 3.0, 0.1 * signal[0], 0.3], maxfev=20000)
    sd = float(np.sqrt(np.sum((signal - _two_exponentials(b, *p)) ** 2) / (b.size - 4)))
    print(f"noise sd from a bi-exponential fit: {sd:.2e} (signal {signal[0]:.2f})")

    diffusivity = np.logspace(-1.5, 1.5, 30 if quick else 80)  # 1e-9 m²/s
    data = ilt.iltload(data=signal / sd, t=b)
    data.init(diffusivity, ilt.Diffusion())
    return diffusivity, data


def main(argv=None):
    args = gallery.parse_args(__doc__, argv)
    diffusivity, data = prepare(args.quick)
    data.invert(verbose=0)
    peak = diffusivity[np.argmax(data.g)]
    print(gallery.residual_summary(data))
    print(f"distribution peak D = {peak:.2f}e-9 m²/s, log mean {gallery.log_mean(diffusivity, data.g):.2f}e-9 m²/s")

    fig, (ax_data, ax_g, ax_res) = iltplot(data)
    fig.suptitle("Water, 1H PFG diffusion attenuation")
    ax_data.set_xlabel(r"b ($10^9$ s/m$^2$)")
    ax_data.set_ylabel("signal / noise sd")
    ax_data.set_yscale("log")
    ax_res.set_xlabel(r"b ($10^9$ s/m$^2$)")
    ax_g.set_xlabel(r"D ($10^{-9}$ m$^2$/s)")
    ax_g.axvline(2.3, color="tab:orange", ls="--", lw=1.2, label="free water, 25 °C (2.3)")
    ax_g.axvline(peak, color="k", lw=1, label=f"peak {peak:.2f}")
    ax_g.legend(frameon=False, loc="upper left")
    png = gallery.save_figure(fig, args.outdir, "pfg_diffusion", show=args.show)
    return {"iltdata": data, "png": png, "peak_D": peak}


if __name__ == "__main__":
    main()
