"""T2 distribution of a water-saturated sandstone from a 1H CPMG decay
===================================================================

Data: ``data/nmr1d_cpmg_bunter_sandstone`` - 23148 echoes (0.108 ms echo spacing)
of a Bunter sandstone plug on an Oxford Instruments GeoSpec (2.2 MHz), from
aris-mav/NMRInversions.jl (MIT, (c) 2024 Aristarchos Mavridis; see SOURCE.md).
The instrument's own analysis reports a T2 log mean of 12.777 ms.

Steps:

1. noise level from the signal-free tail (t > 1.5 s): std of the residuals of a
   straight-line fit; dividing the data by it gives unit-variance noise, the
   scale the regularisation of ILTpy/fastilt is calibrated for;
2. invert with the Exponential kernel on 100 log-spaced T2 from 0.1 ms to 10 s,
   with SVD compression of the 23148-point kernel (``compress``, 30 singular
   values) and a static baseline (``sb``) for the small offset left in the tail;
3. uncertainty of the distribution with ``iltstats`` (10 noisy re-inversions);
4. figure ``cpmg_sandstone.png``: decay and fit, residuals, T2 distribution with
   its ±1 sd band and cumulative curve.

Run: ``python examples/cpmg_sandstone.py`` (``--quick`` for a coarse 40-point grid
without the statistics).
"""

import numpy as np

import _gallery as gallery
import fastilt as ilt

DATASET = "nmr1d_cpmg_bunter_sandstone"
INSTRUMENT_T2LM_MS = 12.777


def prepare(quick=False):
    """Load, noise-scale and initialise, without inverting.

    Returns (t, signal, sd, tau, data), the IltData last.
    """
    t = gallery.load(DATASET, "dim1.txt")  # echo times, s
    signal = gallery.load(DATASET, "data.txt")  # phased real part, arbitrary units

    tail = t > 1.5
    sd = gallery.noise_sd_linear_tail(signal[tail], t[tail])
    print(f"noise sd from the tail: {sd:.1f} (instrument: Noise = 82.9)")

    n_tau = 40 if quick else 100
    tau = np.logspace(-4, 1, n_tau)  # T2 grid, s
    data = ilt.iltload(data=signal / sd, t=t)
    data.init(tau, ilt.Exponential(), parameters={"compress": True, "s": 30, "sb": True})
    return t, signal, sd, tau, data


def main(argv=None):
    args = gallery.parse_args(__doc__, argv)
    import matplotlib.pyplot as plt
    t, signal, sd, tau, data = prepare(args.quick)
    data.invert(verbose=0)
    g, baseline = data.g[:-1], data.g[-1]
    t2lm = gallery.log_mean(tau, g)
    print(gallery.residual_summary(data))
    print(f"T2 log mean {t2lm * 1e3:.2f} ms (instrument {INSTRUMENT_T2LM_MS} ms); "
          f"baseline {baseline * sd:.1f} units; inversion {data.inversion_time:.2f} s")

    band = None
    if not args.quick:
        data.iltstats(n=10, random_seed=0, verbose=0)
        band = (data.statistics["g_conf_interval"][0][:-1], data.statistics["g_conf_interval"][1][:-1])

    # ------------------------------------------------------------------ figure
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
    cumulative.plot(tau * ms, np.cumsum(np.clip(amplitude, 0, None)) / np.sum(np.clip(amplitude, 0, None)),
                    color="tab:blue", lw=1, ls="--")
    cumulative.set_ylabel("cumulative fraction", color="tab:blue")
    cumulative.set_ylim(0, 1.05)
    cumulative.tick_params(axis="y", colors="tab:blue")
    ax_g.legend(frameon=False, loc="upper left", fontsize=8)
    for ax in (ax_decay, ax_res, ax_g):
        ax.grid(True, ls=":", lw=0.5)

    png = gallery.save_figure(fig, args.outdir, "cpmg_sandstone", show=args.show)
    return {"iltdata": data, "png": png, "t2_log_mean": t2lm}


if __name__ == "__main__":
    main()
