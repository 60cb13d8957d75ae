"""Relaxation-time distributions straight from the files four instruments wrote
============================================================================

Data: raw instrument files (each folder has its SOURCE.md and LICENSE.txt; MIT,
(c) 2024 Aristarchos Mavridis, aris-mav/NMRInversions.jl):

* a GeoSpec (2.2 MHz) CPMG export of a Bunter sandstone plug, 23148 echoes;
* a GeoSpec inversion-recovery export of the same plug, 32 inversion times;
* a Tecmag TNMR binary (.tnt, 21 MHz) CPMG of silicone oil, 5000 echo windows;
* a Bruker minispec .dps CPMG export, 10000 echoes.

Run: ``python raw_instrument_files.py`` (``--quick``: a coarse 30-point grid;
``--outdir DIR``: where the figure goes, default ``output/`` beside the
script).  The .tnt file needs nmrglue: ``pip install 'fastilt[io]'``.
"""

# %%
# Set-up
# ------
# In fastilt's source the files are the tests' (``tests/data/instrument/``); a
# downloaded script (or notebook) looks for them in ``data/instrument/`` beside
# it.

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from fastilt.cli.invert import prepare as prepare_as_the_command_line

# The script's folder; a notebook has no __file__ and runs in its own folder.
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
DATA = HERE / "data" / "instrument"
if not DATA.is_dir():
    DATA = HERE.parent / "tests" / "data" / "instrument"  # the script in a checkout of fastilt

parser = argparse.ArgumentParser(description="Distributions straight from instrument files")
parser.add_argument("--quick", action="store_true", help="coarse 30-point grid")
parser.add_argument("--outdir", type=Path, default=HERE / "output", help="folder of the figure")
args, _ = parser.parse_known_args()  # known ones only: Jupyter passes arguments of its own

FILES = {  # title: the file, the instrument's own result to compare with
    "GeoSpec CPMG, Bunter sandstone": ("geospec_cpmg_bunter/CPMG_bunter.txt", "T2 Log Mean"),
    "GeoSpec IR, Bunter sandstone": ("geospec_ir_bunter/IR_bunter.txt", "T1 Log Mean"),
    "Tecmag CPMG, silicone oil": ("tecmag_cpmg_silicon_oil/CPMG_silicon_oil.tnt", None),
    "minispec CPMG (sample not recorded)": ("bruker_minispec_cpmg/cpmg.dps", None),
}
for name, _ in FILES.values():
    if not (DATA / name).is_file():
        raise FileNotFoundError(f"{DATA / name} not found: download tests/data/instrument/{name} "
                                f"of fastilt's source into data/instrument/ beside this script")

# %%
# Reading and set-up
# ------------------
# ``ilt.iltload(data_path=FILE)`` recognises each format by its content and
# returns the signal phased (one zero-order phase), with the time axis in
# seconds and ``metadata``: the experiment, the suggested kernel, the imaginary
# part left after phasing and the instrument's own results.  The set-up is the
# one of the command line ``fastilt invert FILE`` (``fastilt.cli.invert.prepare``):
# the data are divided by the noise sd of the imaginary channel, the tau grid
# spans whole decades around the sampled times, long echo trains are
# SVD-compressed, and an inversion recovery gets a static baseline (``sb``;
# ``-g`` is the T1 distribution).

sets = {}
for title, (name, result) in FILES.items():
    data = prepare_as_the_command_line(DATA / name)
    if args.quick:
        tau = np.ravel(data.tau[0])
        data.init(np.geomspace(tau[0], tau[-1], 30))
    sets[title] = (data, result)

# %%
# Inversion and figure
# --------------------
# The GeoSpec files carry the instrument's T2 and T1 log means, drawn for
# comparison.

fig, axes = plt.subplots(2, 2, figsize=(10, 6.4), layout="constrained")
for ax, (title, (data, result)) in zip(axes.ravel(), sets.items()):
    data.invert(verbose=0)
    meta = data.metadata
    tau = np.ravel(data.tau[0])
    recovery = "sb" in meta["parameters"]
    g = -data.g[:-1] if recovery else data.g  # inversion recovery: -g is the T1 distribution
    positive = np.clip(g, 0, None)
    mean = float(np.exp(np.sum(positive * np.log(tau)) / np.sum(positive)))  # log mean
    print(f"{title}: {meta['format']} {meta['experiment']}, {data.data.size} points, "
          f"phase {meta.get('phase_deg', 0):.1f} deg; log mean {mean * 1e3:.2f} ms"
          + (f" (instrument {meta['instrument_results'][result]} ms)" if result else "")
          + f"; residual std {data.residuals.std():.3f} (noise units)")
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

args.outdir.mkdir(parents=True, exist_ok=True)
png = args.outdir / "raw_instrument_files.png"
fig.savefig(png, dpi=130)
print(f"figure written to {png}")
plt.show()
