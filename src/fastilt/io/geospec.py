"""GeoSpec / Green Imaging Technologies text exports (``[GITData]`` ``.txt`` files).

An INI-like header (``TestType=``, ``[Parameters]``, ``[Results]``, ...) and a
``[Data]`` table of ``X  Y  Real  Imaginary`` rows.  Times are in ms in the file.
Read: ``TestType`` 3 (T2 CPMG) and 7 (T1 inversion recovery); the signal is
phased with :func:`~fastilt.io.measurement.zero_order_phase`.
"""

import re

import numpy as np

from .measurement import Axis, measurement, phased
from .numbers import table

FORMAT = "GeoSpec"
DESCRIPTION = "GeoSpec / GIT Systems text export (.txt starting with [GITData])"

_MS = 1e-3
#: TestType -> (experiment, axis name, sign reference, suggested parameters)
_TEST_TYPES = {
    3: ("CPMG (T2)", "echo time", 0, {}),
    7: ("inversion recovery (T1)", "inversion time", -1, {"sb": True}),
}


def recognises(path):
    if not path.is_file():
        return False
    with open(path, "rb") as f:
        return f.read(16).lstrip().startswith(b"[GITData]")


def _sections(header):
    """``{section: {key: value}}`` (HTML tags removed from the keys)."""
    sections, current = {}, ""
    for line in header.splitlines():
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, {})
        elif "=" in line:
            key, _, value = line.partition("=")
            sections.setdefault(current, {})[re.sub(r"<[^>]*>", "", key).strip()] = value.strip()
    return sections


def _number(value):
    try:
        return float(value)
    except ValueError:
        return value


def read(path):
    text = path.read_text(encoding="latin-1")
    header, found, data = text.partition("[Data]")
    if not found:
        raise ValueError(f"{path}: GeoSpec export without a [Data] section")
    sections = _sections(header)
    try:
        test_type = int(sections["GITData"]["TestType"])
        dimensions = tuple(int(n) for n in sections["Results"]["Dimensions"].split(","))
    except (KeyError, ValueError):
        raise ValueError(f"{path}: GeoSpec header lacks a valid TestType= or [Results] Dimensions=") from None
    if test_type not in _TEST_TYPES:
        supported = ", ".join(f"{k} ({v[0]})" for k, v in _TEST_TYPES.items())
        raise ValueError(f"{path}: GeoSpec TestType {test_type} is not supported; fastilt reads {supported}")
    first_line = header.count("\n") + 3  # the [Data] line, the column titles, then the rows
    rows = table(data.splitlines()[2:], path, "X Y Real Imaginary", first_line)
    if rows.shape != (int(np.prod(dimensions)), 4):
        raise ValueError(
            f"{path}: Dimensions={','.join(map(str, dimensions))} in the header, but the [Data] "
            f"table has {rows.shape[0]} rows of {rows.shape[1]} columns"
        )
    experiment, axis_name, reference, parameters = _TEST_TYPES[test_type]
    real, imaginary, phase = phased(rows[:, 2] + 1j * rows[:, 3], reference)
    results = {key: _number(v) for name in ("Additional Results", "Results") for key, v in sections.get(name, {}).items()}
    return measurement(
        path, FORMAT, experiment, real, [Axis(rows[:, 0] * _MS, axis_name, "s", "Exponential")],
        parameters=parameters, phase=phase, imaginary=imaginary, instrument_results=results,
        header={key: _number(v) for key, v in sections.get("Parameters", {}).items()} | {"TestType": test_type},
        notes=["instrument_results: times in ms (GeoSpec's time unit)"],
    )
