"""Sphinx configuration of the fastilt documentation.

Build: ``python -m sphinx -W -b html docs docs/_build/html`` (after
``pip install ".[docs]"``).  ``FASTILT_DOCS_QUICK=1`` runs the gallery scripts
with ``--quick`` (what CI does).
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))  # our extensions

import fastilt  # noqa: E402  (the installed package, or the editable build)

project = "fastilt"
author = "the fastilt developers"
copyright = "the fastilt developers (BSD-3-Clause)"
release = fastilt.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "fastilt_xref",  # short names in docstrings -> the documented public name
    "fastilt_parameters",  # the fit parameter table, from fastilt.parameters.PARAMETERS
    "fastilt_benchmarks",  # numbers on pages, from benchmarks/results/*.md
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
templates_path = ["_templates"]
exclude_patterns = ["_build", "figures", "_ext", "_templates"]

# --- cross-references: every one resolves (``-n``), short names through fastilt_xref --------
# Internal modules are named in docstrings for a reader of the source, not documented
# as API: a reference to one stays plain text.
nitpick_ignore_regex = [("py:mod", r"fastilt\.(problem|batch)\.\w+")]

# --- API reference: autosummary pages, numpydoc docstrings -------------------------------
autosummary_generate = True
autodoc_typehints = "none"  # the numpydoc Parameters sections say the types
numpydoc_show_class_members = False  # the class template lists members itself

# --- gallery: examples/*.py run as a reader runs them (see _ext/fastilt_gallery.py) ----------
sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"\.py$",  # run every script
    "within_subsection_order": "FileNameSortKey",
    "reset_argv": "fastilt_gallery.reset_argv",
    "download_all_examples": False,  # each script needs its own data folder: one download each
}

# --- HTML ------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"fastilt {release}"
html_theme_options = {
    "show_toc_level": 2,
    # the first five pages of the contents are the header's links: the gallery and the
    # API reference among them; the rest under "More"
    "header_links_before_dropdown": 5,
}
