"""Bruker minispec ``.dps`` exports: tab-separated ``index  time (ms)  amplitude`` rows, no header.

The file records neither the experiment nor the phase handling: the amplitude
is taken as given (real) and the decay is read as a CPMG echo train.
"""

from .measurement import Axis, measurement
from .numbers import table

FORMAT = "minispec"
DESCRIPTION = "Bruker minispec .dps export (index, time in ms, amplitude)"


def recognises(path):
    return path.is_file() and path.suffix.lower() == ".dps"


def read(path):
    lines = path.read_text(encoding="latin-1").splitlines()
    rows = table(lines, path, "index, time in ms, amplitude")
    if rows.shape[1] != 3:
        raise ValueError(f"{path}: expected 3 tab-separated columns (index, time in ms, amplitude), "
                         f"found {rows.shape[1]}")
    return measurement(
        path, FORMAT, "CPMG (T2)", rows[:, 2], [Axis(rows[:, 1] * 1e-3, "echo time", "s", "Exponential")],
        notes=["the .dps file does not record the experiment; read as a CPMG decay, amplitude as given"],
    )
