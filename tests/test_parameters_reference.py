"""The parameter reference of the docs is generated from the one definition in the code."""

import sys
from pathlib import Path

from fastilt.parameters import PARAMETERS, default_parameters

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import fastilt_parameters  # noqa: E402  (docs/_ext, the Sphinx directive)


def test_table_lists_every_parameter_with_its_default():
    rows = {row[0].strip("`"): row for row in fastilt_parameters.table_rows()}
    defaults = default_parameters()
    assert list(rows) == list(defaults)
    for name, value in defaults.items():
        shown = rows[name][1].strip("`")
        if name == "kernel":
            assert shown == f"{type(value).__name__}()"
        else:
            assert shown == repr(value), name


def test_every_parameter_has_a_type_and_a_meaning():
    for parameter in PARAMETERS:
        assert parameter.type and parameter.meaning, parameter.name
        assert "\n" not in parameter.meaning, parameter.name  # one line: a table cell


def test_the_page_uses_the_generated_table():
    assert ".. fastilt-parameters::" in (DOCS / "parameters.rst").read_text()
    assert "fastilt_parameters" in (DOCS / "conf.py").read_text()
