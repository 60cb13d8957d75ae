"""The ``fastilt-parameters`` directive: the table of fit parameters, from the code.

The table is built from :data:`fastilt.parameters.PARAMETERS`, the definition
``init`` itself takes its defaults from, so the page cannot drift from the code.
"""

from docutils.parsers.rst import Directive
from sphinx.util.parsing import nested_parse_to_nodes

from fastilt.parameters import ARRAY_ARGUMENTS, PARAMETERS

HEADER = ("parameter", "default", "type", "given as", "meaning")


def shown_default(parameter):
    """The default as a user would write it (a kernel made by its class: ``IltKernel()``)."""
    if parameter.fresh and isinstance(parameter.default, type):
        return f"{parameter.default.__name__}()"
    return repr(parameter.new_default())


def given_as(parameter):
    """Arrays and objects are ``init``'s keyword arguments; the rest go in ``parameters``."""
    return f"``init({parameter.name}=...)``" if parameter.name in ARRAY_ARGUMENTS else "``parameters``"


def table_rows():
    """One row of cell texts (reStructuredText) per parameter, in the order of the parameter dict."""
    return [
        (f"``{p.name}``", f"``{shown_default(p)}``", p.type, given_as(p), p.meaning)
        for p in PARAMETERS
    ]


def table_rst():
    lines = [".. list-table::", "   :header-rows: 1", "   :widths: auto", ""]
    for row in [HEADER, *table_rows()]:
        lines.append(f"   * - {row[0]}")
        lines.extend(f"     - {cell}" for cell in row[1:])
    return lines


class ParametersTable(Directive):
    def run(self):
        rst = "\n".join(table_rst())
        return list(nested_parse_to_nodes(self.state, rst, source="fastilt.parameters.PARAMETERS"))


def setup(app):
    app.add_directive("fastilt-parameters", ParametersTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
