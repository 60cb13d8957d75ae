"""sphinx-gallery hooks: run each example through its own command line, show the PNG it writes.

The gallery scripts in ``examples/`` are ordinary command-line programs: they
save their figure with ``--outdir`` and close it.  The docs build runs them
unchanged (``reset_argv`` gives the command line) and the scraper below moves
the PNG a script wrote into the gallery, so the page shows exactly the figure a
user gets from ``python examples/<name>.py``.

``FASTILT_DOCS_QUICK=1`` adds ``--quick`` (coarser grids, no statistics): the
mode CI builds the site in.
"""

import os
import shutil
from pathlib import Path

from sphinx_gallery.scrapers import figure_rst

#: Folder the scripts write into during the build.  sphinx-gallery runs each
#: script in its own folder (examples/), where ``--outdir output`` is this one,
#: the scripts' default; the relative name keeps the printed path readable.
OUTDIR_ARGUMENT = "output"
OUTDIR = Path(__file__).resolve().parents[2] / "examples" / OUTDIR_ARGUMENT


def quick_mode():
    """True when ``FASTILT_DOCS_QUICK`` is set to anything but ``""``/``"0"``."""
    return os.environ.get("FASTILT_DOCS_QUICK", "0") not in ("", "0")


def _figure_of(script_vars):
    """The PNG a gallery script writes: ``<outdir>/<script name>.png`` (tests/test_gallery.py)."""
    return OUTDIR / f"{Path(script_vars['src_file']).stem}.png"


def reset_argv(gallery_conf, script_vars):
    """``sys.argv[1:]`` of a gallery script, called just before it runs.

    A figure left from an earlier run is removed first, so the scraper can only
    find the one this run writes.
    """
    _figure_of(script_vars).unlink(missing_ok=True)
    return ["--outdir", OUTDIR_ARGUMENT] + (["--quick"] if quick_mode() else [])


def png_scraper(block, block_vars, gallery_conf):
    """Move the figure the script wrote into the gallery's first image file."""
    png = _figure_of(block_vars)
    if not png.is_file():
        return ""
    target = block_vars["image_path_iterator"].next()
    shutil.move(png, target)
    return figure_rst([target], gallery_conf["src_dir"])
