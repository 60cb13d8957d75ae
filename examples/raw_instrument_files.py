"""Relaxation-time distributions straight from the files four instruments wrote
============================================================================

Data: the raw files in ``tests/data/instrument`` (each folder has its SOURCE.md
and LICENSE.txt; MIT, (c) 2024 Aristarchos Mavridis, aris-mav/NMRInversions.jl):

* a GeoSpec (2.2 MHz) CPMG export of a Bunter sandstone plug, 23148 echoes;
* a GeoSpec inversion-recovery export of the same plug, 32 inversion times;
* a Tecmag TNMR binary (.tnt, 21 MHz) CPMG of silicone oil, 5000 echo windows;
* a Bruker minispec .dps CPMG export, 10000 echoes.

``ilt.iltload(data_path=FILE)`` recognises each format by its content and returns
the signal phased (one zero-order phase), with the time axis in seconds and
``metadata``: the experiment, the suggested kernel, the imaginary part left after
phasing and the instrument's own results.  The set-up is the one of the command
line ``fastilt invert FILE`` (``fastilt.cli.invert.prepare``): the data are
divided by the noise sd of the imaginary channel, the tau grid spans whole
decades around the sampled times, long echo trains are SVD-compressed, and an
inversion recovery gets a static baseline (``sb``; ``-g`` is the T1
distribution).  The GeoSpec files carry the instrument's T2 and T1 log means,
drawn for comparison.

Run: ``python examples/raw_instrument_files.py [--quick]`` (needs nmrglue for
the .tnt file: ``pip install 'fastilt[io]'``).
"""

import numpy as np

import _gallery as gallery
from fastilt.cli.invert import prepare as prepare_as_the_command_line

INSTRUMENT = gallery.HERE.parent / "tests" / "data" / "instrument"
FILES = {
    "GeoSpec CPMG, Bunter sandstone": ("geospec_cpmg_bunter/CPMG_bunter.txt", "T2 Log Mean"),
    "GeoSpec IR, Bunter sandstone": ("geospec_ir_bunter/IR_bunter.txt", "T1 Log Mean"),
    "Tecmag CPMG, silicone oil": ("tecmag_cpmg_silicon_oil/CPMG_silicon_oil.tnt", None),
    "minispec CPMG (sample not recorded)": ("bruker_minispec_cpmg/cpmg.dps", None),
}


def prepare_all(quick=False):
    """Every file read and initialised as ``fastilt invert`` does (a coarser grid with ``quick``)."""
    sets = {}
    for title, (name, result) in FILES.items():
        data = prepare_as_the_command_line(INSTRUMENT / name)
        if quick:
            tau = np.ravel(data.tau[0])
            data.init(np.geomspace(tau[0], tau[-1], 30))
        sets[title] = (data, result)
    return sets


def prepare(quick=False):
    """The gallery's common entry (tests, benchmarks): the IltData of every file, initialised."""
    return [data for data, _ in prepare_all(quick).values()]


def main(argv=None):
    args = gallery.parse_args(__doc__, argv)
    import matplotlib.pyplot as plt

    sets = prepare_all(args.quick)
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.4), layout="constrained")
    for ax, (title, (data, result)) in zip(axes.ravel(), sets.items()):
        data.invert(verbose=0)
        meta = data.metadata
        tau = np.ravel(data.tau[0])
        recovery = "sb" in meta["parameters"]
        g = -data.g[:-1] if recovery else data.g  # inversion recovery: -g is the T1 distribution
        mean = gallery.log_mean(tau, g)
        print(f"{title}: {meta['format']} {meta['experiment']}, {data.data.size} points, "
              f"phase {meta.get('phase_deg', 0):.1f} deg; log mean {mean * 1e3:.2f} ms"
              + (f" (instrument {meta['instrument_results'][result]} ms)" if result else "")
              + f"; {gallery.residual_summary(data)}")
        ax.plot(tau * 1e3, g * meta["noise_sd"], color="tab:green", lw=2)
        ax.axvline(mean * 1e3, color="k", lw=1, label=f"log mean {mean * 1e3:.1f} ms")
        if result:
            ax.axvline(meta["instrument_results"][result], color="tab:orange", ls="--", lw=1.2,
                       label=f"instrument {meta['instrument_results'][result]:.1f} ms")
        ax.set_xscale("log")
        ax.set_xlabel(("T1" if recovery else "T2") + " (ms)")
        ax.set_ylabel("amplitude (a.u.)")
        ax.set_title(title, fontsize=10)
        ax.legend(frameon=False, fontsize=8)
        ax.grid(True, ls=":", lw=0.5)
    png = gallery.save_figure(fig, args.outdir, "raw_instrument_files", show=args.show)
    return {"iltdata": data, "png": png}


if __name__ == "__main__":
    main()
