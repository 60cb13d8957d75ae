"""T2 distributions of 25 hydrocarbon CPMG decays, inverted in one call and shown as a map.
========================================================================================

Data: ``data/nmr1d_cpmg_hydrocarbons_arts`` - 1H CPMG decays of five pure
liquid hydrocarbons (toluene, n-butocyclohexane, iso-octane, n-heptane,
iso-cetane), 5 repeats each, 3955 echoes over 5 s, from a compact 0.645 T
(27.5 MHz) TD-NMR system, ARTS-Laboratory/Dataset-hydrocarbon-and-fuel-processing
(CC BY-SA 4.0; see SOURCE.md).

Preparation:

* **Noise**: each curve is divided by its own noise sd, estimated from
  the residuals of a straight line through its last 1000 echoes (the signal
  has decayed to the offset there; successive differences give 2-3x less:
  the noise is correlated from echo to echo),
  so that every item has unit noise as the inversion assumes.
* **Offset**: the tails level off at a small positive value (magnitude
  detection or a baseline): a static baseline (``sb``) is fitted with the T2
  distribution, and g is kept non-negative (``nn``): without it the offset
  and the slowest T2 trade off into negative lobes at the end of the grid.
* **One call**: ``ilt.invert_many`` inverts the 25 curves together: the kernel
  (3955 echoes x tau), ``W`` and the penalty model are built once, the items
  run in the compiled core on all cores.

The map shows g (normalised per item) against log T2 for every curve, beside
the T2 log mean of each (printed too).  tau stops at 10 s, twice the last echo.
The log means (toluene ≈ 0.95 s, n-butocyclohexane ≈ 0.86 s, iso-octane ≈ 0.79 s,
n-heptane ≈ 0.75 s, iso-cetane ≈ 0.50 s) follow the single-exponential values of
SOURCE.md.  The residuals stay 1.1-4.5x above the noise (largest for the fast
iso-cetane): the curves are not exactly a positive sum of exponentials plus an
offset (magnitude detection rectifies the tail), which only negative g absorbed.

Run: ``python examples/batch_hydrocarbons.py [--quick]``.
"""

import numpy as np

import _gallery as gallery
import fastilt as ilt

DATASET = "nmr1d_cpmg_hydrocarbons_arts"


def prepare(quick=False):
    """The stack (25 x 3955, unit noise), echo times, tau grid and item names."""
    t = gallery.load(DATASET, "dim1.txt")
    curves = gallery.load(DATASET, "data_all.txt").T  # one curve per row
    names = (gallery.DATA / DATASET / "columns.txt").read_text().split()
    sd = np.array([gallery.noise_sd_linear_tail(curve[-1000:]) for curve in curves])
    print(f"{len(curves)} curves of {t.size} echoes; noise sd {sd.min() * 1e3:.2f} ... {sd.max() * 1e3:.2f} mV")
    tau = np.logspace(-2, 1, 40 if quick else 100)
    return curves / sd[:, None], t, tau, names


def main(argv=None):
    args = gallery.parse_args(__doc__, argv)
    stack, t, tau, names = prepare(args.quick)
    result = ilt.invert_many(stack, t, tau, ilt.Exponential(), parameters={"sb": True, "nn": True})
    print(result.report())
    g = result.g[:, :-1]  # the last value is the static baseline
    log_means = np.array([gallery.log_mean(tau, g_item) for g_item in g])
    for name, t2, residuals in zip(names, log_means, result.residuals):
        print(f"{name:24s} T2 log mean {t2:.2f} s, residual std {residuals.std():.2f}")

    import matplotlib.pyplot as plt

    fig, (ax_map, ax_peak) = plt.subplots(1, 2, figsize=(11, 6), width_ratios=[3, 1], sharey=True)
    items = np.arange(len(names))
    mesh = ax_map.pcolormesh(tau, items, g / g.max(axis=1, keepdims=True), shading="nearest", cmap="viridis",
                             vmin=0, vmax=1)
    ax_map.set_xscale("log")
    ax_map.set_xlabel("T2 (s)")
    ax_map.set_yticks(items, names, fontsize=7)
    ax_map.invert_yaxis()
    fig.colorbar(mesh, ax=ax_map, label="g / max g (per item)", pad=0.01)
    ax_peak.plot(log_means, items, "o", color="k")
    ax_peak.set_xscale("log")
    ax_peak.set_xlabel("T2 log mean (s)")
    ax_peak.grid(True, which="both", alpha=0.3)
    fig.suptitle(f"1H CPMG of 5 hydrocarbons x 5 repeats: {len(names)} T2 distributions, one invert_many call")
    fig.tight_layout()
    png = gallery.save_figure(fig, args.outdir, "batch_hydrocarbons", show=args.show)
    return {"result": result, "names": names, "log_means": log_means, "png": png}


if __name__ == "__main__":
    main()
