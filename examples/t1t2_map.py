"""2D T1-T2 correlation map of a brine-saturated Berea sandstone (IR-CPMG)
=======================================================================

Data: ``data/nmr2d_t1t2_berea_spinsolve`` - 16 inversion delays (1 ms - 3 s) x
1024 CPMG echoes (0.1 ms spacing), Magritek Spinsolve 44 MHz, from
aris-mav/NMRInversions.jl (MIT, (c) 2024 Aristarchos Mavridis; see SOURCE.md).

Preparation (each step is a choice a user makes; the script says why):

* **Inversion recovery as a decay.**  Along t1 the signal is
  ``M(T2) [1 - (1 + k) exp(-t1/T1)]``; the inversion efficiency k is not 1 here
  and differs between pore sizes.  The last delay (3 s, about 30 T1) is fully
  recovered, so ``ΔM(t1, t2) = M(3 s, t2) - M(t1, t2)`` is a plain double
  exponential decay, inverted with two Exponential kernels and non-negativity
  (``nn``), whatever k is.  ΔM has noise sd sqrt(2) sigma.
* **Noise** sigma from successive differences of the last 300 echoes of each row.
* **Early echoes**: the first two echoes deviate from the decay of the rest by
  more than 10 sigma (pulse imperfections), so they are dropped.
* **Size**: the 1022 echoes are SVD-compressed to 25 values (``compress``);
  ``alpha_c`` is set to its default *for the uncompressed data*
  (``2 ΔQ Ntau / N_data``), because the default computed from the compressed
  size regularises 40 times more weakly and gives an oscillating map.

Figure ``t1t2_map.png``: the map with its T1 and T2 projections and the T1 = T2
and T1 = 10 T2 lines.  Run: ``python examples/t1t2_map.py [--quick]``.
"""

import warnings

import numpy as np

import _gallery as gallery
import fastilt as ilt

DATASET = "nmr2d_t1t2_berea_spinsolve"


def prepare(quick=False):
    """Load, noise-scale and initialise, without inverting.

    Returns (sd, tau1, tau2, data), the IltData last.
    """
    t1 = gallery.load(DATASET, "dim1.txt")  # inversion delays, s
    t2 = gallery.load(DATASET, "dim2.txt")  # echo times, s
    signal = gallery.load(DATASET, "data.txt")  # (16, 1024)

    sigma = gallery.noise_sd_differences(signal[:, -300:], axis=1)
    delta = (signal[-1] - signal[:-1])[:, 2:]  # recovered row minus each row; first two echoes dropped
    t1_used, t2_used = t1[:-1], t2[2:]
    sd = np.sqrt(2) * sigma
    print(f"noise sd per point {sigma:.1f}; ΔM data {delta.shape}")

    n = 14 if quick else 30
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
    return sd, tau1, tau2, data


def main(argv=None):
    args = gallery.parse_args(__doc__, argv)
    import matplotlib.pyplot as plt
    sd, tau1, tau2, data = prepare(args.quick)
    data.invert(verbose=0)
    g = data.g * sd  # signal units
    print(gallery.residual_summary(data))
    print(f"inversion {data.inversion_time:.2f} s; T1 log mean {gallery.log_mean(tau1, g.sum(1)) * 1e3:.0f} ms, "
          f"T2 log mean {gallery.log_mean(tau2, g.sum(0)) * 1e3:.1f} ms")

    # ------------------------------------------------------------------ figure
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

    png = gallery.save_figure(fig, args.outdir, "t1t2_map", show=args.show)
    return {"iltdata": data, "png": png}


if __name__ == "__main__":
    main()
