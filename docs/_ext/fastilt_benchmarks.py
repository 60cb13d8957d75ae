"""The ``fastilt-benchmark`` directive: chosen columns and rows of a benchmark results table.

Pages quote benchmark numbers through this directive only, from the tables the
benchmarks write (``benchmarks/results/*.md``): one source, so a re-measured
table updates every page.  ::

    .. fastilt-benchmark:: bench_core.md
       :columns: case, size, solver, wall (s), speed-up
       :nonempty: speed-up
       :rows:
          case=pseudo2d; size=8 x 1024
          case=1d

``:columns:`` names the columns shown, in order (headers as the file writes
them); ``:nonempty:`` keeps the rows with a value in that column; ``:rows:``
keeps those that match one of its lines (every ``column=value`` of the line).  The line
above the table in the file (machine, date) becomes the caption.
"""

from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results"


def _cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def read_table(name):
    """``(caption, header, rows)`` of the Markdown table in ``benchmarks/results/<name>``."""
    lines = (RESULTS / name).read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    caption = " ".join(line.strip() for line in lines[:first] if line.strip())
    table = [line for line in lines[first:] if line.startswith("|")]
    header = _cells(table[0])
    return caption, header, [dict(zip(header, _cells(line))) for line in table[2:]]


def _conditions(text):
    """``:rows:`` lines, each ``column=value; column=value``, as a list of dicts."""
    return [dict(part.split("=", 1) for part in (p.strip() for p in line.split(";")) if part)
            for line in text.splitlines() if line.strip()]


def select(header, rows, columns, nonempty=None, conditions=()):
    """``columns`` of the rows with a value in ``nonempty`` that match any of ``conditions``."""
    named = columns + [nonempty or header[0]] + [column for c in conditions for column in c]
    missing = [column for column in named if column not in header]
    if missing:
        raise ValueError(f"no column {missing} in the benchmark table; it has {header}")
    return [
        [row[column] for column in columns] for row in rows
        if (not nonempty or row[nonempty])
        and (not conditions or any(all(row[k] == v for k, v in c.items()) for c in conditions))
    ]


def _row(cells):
    row = nodes.row()
    for cell in cells:
        row += nodes.entry("", nodes.paragraph(text=cell))
    return row


def table_node(caption, columns, rows):
    """A docutils table (built as nodes: the directive is used from Markdown and reST pages)."""
    group = nodes.tgroup(cols=len(columns))
    group += [nodes.colspec(colwidth=1) for _ in columns]
    group += nodes.thead("", _row(columns))
    group += nodes.tbody("", *(_row(row) for row in rows))
    return nodes.table("", nodes.title(text=caption), group)


class BenchmarkTable(Directive):
    required_arguments = 1
    option_spec = {
        "columns": directives.unchanged_required,
        "nonempty": directives.unchanged,
        "rows": directives.unchanged,
    }

    def run(self):
        name = self.arguments[0]
        self.state.document.settings.env.note_dependency(str(RESULTS / name))
        caption, header, rows = read_table(name)
        columns = [column.strip() for column in self.options["columns"].split(",")]
        conditions = _conditions(self.options.get("rows", ""))
        shown = select(header, rows, columns, self.options.get("nonempty"), conditions)
        if not shown:  # a renamed row would otherwise leave an empty table on the page
            raise self.error(f"no row of benchmarks/results/{name} matches {self.options}")
        return [table_node(caption, columns, shown)]


def setup(app):
    app.add_directive("fastilt-benchmark", BenchmarkTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
