"""T1 distribution from a 1H inversion-recovery curve, with a static baseline
==========================================================================

Data: ``data/nmr1d_t1ir_bunter_sandstone`` - 32 inversion times (20 µs - 5.7 s) on
the Bunter sandstone plug of ``cpmg_sandstone.py`` (GeoSpec, 2.2 MHz), from
aris-mav/NMRInversions.jl (MIT, (c) 2024 Aristarchos Mavridis; see SOURCE.md).
The instrument reports a T1 log mean of 17.435 ms.

An inversion-recovery signal ``M0 (1 - (1 + k) exp(-t/T1))`` is not a sum of
decaying exponentials, but it is a constant plus one: ``M0 - M0 (1 + k) exp(-t/T1)``.
ILTpy's way to invert it is the Exponential kernel with a *static baseline*
(``sb=True``, one extra unknown for the constant): g then comes out negative,
``-g`` is the T1 distribution, and the inversion efficiency ``k`` needs no
assumption.  (A user kernel ``1 - 2 exp(-t/T1)``, an ``IltKernel`` subclass, is
the alternative; see ``pseudo2d_ir_spectra.py``.)

Noise: the imaginary channel after phasing carries no signal; its
successive-difference sd is used to scale the data to unit noise variance.

Run: ``python examples/t1_inversion_recovery.py [--quick]``.
"""

import numpy as np

import _gallery as gallery
import fastilt as ilt
from fastilt.plotting import iltplot

DATASET = "nmr1d_t1ir_bunter_sandstone"
INSTRUMENT_T1LM_MS = 17.435


def prepare(quick=False):
    """Load, noise-scale and initialise, without inverting.

    Returns (sd, tau, data), the IltData last.
    """
    t = gallery.load(DATASET, "dim1.txt")  # inversion times, s
    signal = gallery.load(DATASET, "data.txt")
    sd = gallery.noise_sd_differences(gallery.load(DATASET, "data_imag_after_phase.txt"))
    print(f"noise sd from the imaginary channel: {sd:.1f} (instrument: Noise = 123)")

    tau = np.logspace(-5, 1.5, 30 if quick else 80)  # T1 grid, s
    data = ilt.iltload(data=signal / sd, t=t)
    data.init(tau, ilt.Exponential(), parameters={"sb": True})
    return sd, tau, data


def main(argv=None):
    args = gallery.parse_args(__doc__, argv)
    sd, tau, data = prepare(args.quick)
    data.invert(verbose=0)
    t1_distribution, baseline = -data.g[:-1], data.g[-1]
    t1lm = gallery.log_mean(tau, t1_distribution)
    efficiency = t1_distribution.sum() / baseline - 1
    print(gallery.residual_summary(data))
    print(f"T1 log mean {t1lm * 1e3:.2f} ms (instrument {INSTRUMENT_T1LM_MS} ms); "
          f"M0 = baseline = {baseline * sd:.0f}; inversion efficiency k = {efficiency:.3f}")

    fig, (ax_data, ax_g, ax_res) = iltplot(data, negative_g=True)
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
    png = gallery.save_figure(fig, args.outdir, "t1_inversion_recovery", show=args.show)
    return {"iltdata": data, "png": png, "t1_log_mean": t1lm}


if __name__ == "__main__":
    main()
