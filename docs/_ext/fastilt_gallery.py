"""sphinx-gallery hook: the command line the gallery scripts run with in the docs build.

The scripts in ``examples/`` run as a reader runs them (``python NAME.py``,
or a notebook): their figures are shown and collected by sphinx-gallery's
matplotlib scraper.  ``FASTILT_DOCS_QUICK=1`` adds ``--quick`` (coarser grids,
no statistics): the mode CI builds the site in.
"""

import os


def quick_mode():
    """True when ``FASTILT_DOCS_QUICK`` is set to anything but ``""``/``"0"``."""
    return os.environ.get("FASTILT_DOCS_QUICK", "0") not in ("", "0")


def reset_argv(gallery_conf, script_vars):
    """``sys.argv[1:]`` of a gallery script, called just before it runs.

    The scripts run in ``examples/``: ``--outdir output`` is their default folder,
    named relatively so that the path they print is the one a reader sees.
    """
    return ["--outdir", "output"] + (["--quick"] if quick_mode() else [])
