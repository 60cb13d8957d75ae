"""Tecmag TNMR "Data Point Listing" text exports (``.txt``) of ``.tnt`` files.

Four header lines (the source file, ``Ending Point``, ``Ending Record``, the
column names), ``Real  Imag  usec`` rows (``usec`` is only the dwell position
inside a record), then ``[Info]`` and ``[Parameters]`` blocks of
``Name, <TAB>value`` lines whose times carry unit suffixes (``u``, ``m``, ``s``).
Read: CPMG echo trains, exactly as :mod:`~fastilt.io.tecmag` reads the binary
(windows of ``Acq. Points`` summed, echo ``k`` at ``k * Echo_Time``).  An
inversion recovery's delay table is not in the listing, only in the binary.
"""

import re

import numpy as np

from .tecmag import echo_train, seconds

FORMAT = "Tecmag text"
DESCRIPTION = "Tecmag TNMR Data Point Listing text export (.txt)"
MAGIC = b"Data Point Listing of File"

_EXTENT = re.compile(r"Starting [^:]*:\t\d+\tEnding (Point|Record):\t(\d+)")
_PARAMETER = re.compile(r"(.+?),\s*\t(.*)")
#: header key of the .tnt reader -> (listing parameter, how to read its value)
_HEADER = {
    "scans": ("Scans 1D", int),
    "actual_scans": ("Actual Scans 1D", int),
    "ob_freq": ("Observe Freq.", lambda value: float(value.removesuffix("MHz"))),  # MHz, as nmrglue gives it
    "dwell": ("Dwell Time", None),
    "last_delay": ("Last Delay", None),
    "date": ("Date", str),
}


def recognises(path):
    if not path.is_file():
        return False
    with open(path, "rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def _parameters(lines, path):
    """The ``[Parameters]`` block as ``{name: value text}`` (a repeated name: the first one counts)."""
    try:
        start = lines.index("[Parameters]")
    except ValueError:
        raise ValueError(f"{path}: TNMR listing without a [Parameters] block") from None
    parameters = {}
    for line in lines[start + 1:]:
        if line == "[End]":
            break
        match = _PARAMETER.fullmatch(line)
        if match and not line.startswith(";"):
            parameters.setdefault(match.group(1).strip(), match.group(2).strip())
    return parameters


def _required(parameters, name, path):
    if name not in parameters:
        raise ValueError(f"{path}: no {name} in the [Parameters] block")
    return parameters[name]


def read(path):
    lines = path.read_text(encoding="latin-1").splitlines()
    extents = {m.group(1): int(m.group(2)) for m in map(_EXTENT.match, lines[1:3]) if m}
    if set(extents) != {"Point", "Record"} or lines[3:4] != ["Real\tImag\tusec"]:
        raise ValueError(f"{path}: TNMR listing without 'Ending Point', 'Ending Record' and 'Real Imag usec' "
                         "header lines")
    points, records = extents["Point"], extents["Record"]
    end = next((i for i, line in enumerate(lines[4:], 4) if not line.strip()), len(lines))
    if end - 4 != points * records:
        raise ValueError(f"{path}: the data block has {end - 4} rows, but Ending Point x Ending Record = "
                         f"{points} x {records} = {points * records}: truncated listing")
    rows = np.loadtxt(lines[4:end], delimiter="\t", ndmin=2)
    parameters = _parameters(lines[end:], path)
    window = int(_required(parameters, "Acq. Points", path))
    if records > 1:
        raise ValueError(f"{path}: {records} 2D records (an inversion recovery?), but a TNMR listing holds no "
                         "delay table: the delays are only in the .tnt binary; read the .tnt file")
    if points <= window:
        raise ValueError(f"{path}: one {points}-point record in windows of {window} is not an echo train "
                         "(fastilt reads CPMG listings)")
    spacing = seconds(_required(parameters, "Echo_Time", path), path)
    header = {key: (seconds(parameters[name], path) if kind is None else kind(parameters[name]))
              for key, (name, kind) in _HEADER.items() if name in parameters}
    return echo_train(path, FORMAT, rows[:, 0] + 1j * rows[:, 1], window, spacing, header)
