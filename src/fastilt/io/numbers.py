"""Numbers read from instrument text: header values and tables, with one-line errors that name the place.

A malformed value (``XPTS 5l2``, ``nrEchoes = 1O24``, a text row in a data
table) ends the read with a :class:`ValueError` naming the file, the key or
line, and what was expected, instead of Python's or numpy's bare conversion
message.
"""

import numpy as np

__all__ = ["header_number", "table"]


def header_number(value, source, key, kind=float):
    """``value`` of header ``key`` as a float (``kind=float``) or a whole number (``kind=int``)."""
    expected = "a whole number" if kind is int else "a number"
    if value is None:
        raise ValueError(f"{source}: {key} is missing (expected {expected})")
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is None or (kind is int and not number.is_integer()):
        raise ValueError(f"{source}: {key} = {value!r} is not {expected}")
    return kind(number)


def table(lines, source, expected, first_line=1):
    """The non-blank ``lines`` as a 2D float array (commas count as separators).

    ``first_line`` is the line number of ``lines[0]`` in ``source``, so that a
    line that is not numbers is named as the file's own line; ``expected``
    says what a row should hold.  No rows at all: "empty".
    """
    rows = []
    for number, line in enumerate(lines, start=first_line):
        fields = line.replace(",", " ").split()
        if not fields:
            continue
        try:
            rows.append(np.array(fields, dtype=float))
        except ValueError:
            raise ValueError(f"{source}, line {number}: {line.strip()[:60]!r} is not a row of numbers "
                             f"(expected {expected})") from None
    if not rows:
        where = "empty file" if first_line == 1 else f"no rows from line {first_line} on"
        raise ValueError(f"{source}: {where} (expected rows of {expected})")
    widths = {row.size for row in rows}
    if len(widths) != 1:
        raise ValueError(f"{source}: rows of {' and '.join(map(str, sorted(widths)[:2]))} values "
                         f"(expected rows of {expected})")
    return np.array(rows)
