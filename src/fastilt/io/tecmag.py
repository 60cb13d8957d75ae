"""Tecmag TNMR binary files (``.tnt``), read with nmrglue.

Each acquisition window of ``npts[0]`` points is summed to one complex value (one
echo, or one inversion-recovery record), then phased with
:func:`~fastilt.io.measurement.zero_order_phase`.  nmrglue does not decode the
pulse-sequence section (PSEQ), so the echo time (``Echo_Time``) and the delay
table of the 2D records (a ``<name>:2`` table) are read from it here.
Read: CPMG echo trains (one record, many windows) and inversion recovery
(one window per 2D record).
"""

import re

import numpy as np

from ._nmrglue import nmrglue
from .measurement import Axis, measurement, phased, unit_scale

FORMAT = "Tecmag"
DESCRIPTION = "Tecmag TNMR binary (.tnt)"
MAGIC = b"TNT1"
#: NMRInversions.jl adds this to each table entry: the sequence's fixed 10 µs element
#: before the variable delay, so that the table's 0.090m ... give 0.1 ms ... 10 s.
DELAY_OFFSET = 10e-6

_NUMBER_WITH_UNIT = re.compile(r"\s*([0-9.eE+-]+)\s*([a-zµ]*)\s*")


def recognises(path):
    if not path.is_file():
        return False
    with open(path, "rb") as f:
        return f.read(4) == MAGIC


def seconds(text, source):
    """A TNMR time such as ``200u``, ``3s`` or ``0.090m`` in seconds (no suffix: seconds)."""
    match = _NUMBER_WITH_UNIT.fullmatch(text)
    if not match:
        raise ValueError(f"{source}: cannot read {text!r} as a time")
    return float(match.group(1)) * unit_scale(match.group(2) or "s", source)


def _entry(pseq, pattern):
    """Payloads of PSEQ entries ``<name><int32 length><text>`` whose name matches ``pattern``."""
    for match in re.finditer(pattern + rb"(.{4})", pseq, flags=re.DOTALL):
        length = int.from_bytes(match.group(1), "little")
        if 0 < length < 4096:
            yield pseq[match.end(): match.end() + length].decode("latin-1")


def echo_time(pseq, source):
    """The sequence table's ``Echo_Time`` (seconds): ``Echo_Time``, 4 zero bytes, then the value."""
    for text in _entry(pseq, rb"Echo_Time\x00{4}"):
        return seconds(text, source)
    raise ValueError(f"{source}: no Echo_Time in the pulse-sequence section")


def delay_table(pseq, source):
    """The first ``<name>:2`` table of CRLF-separated times (seconds), the 2D records' delays."""
    for text in _entry(pseq, rb"[A-Za-z_][A-Za-z0-9_]*:2"):
        lines = [line for line in text.split("\r\n") if line.strip()]
        if lines and all(_NUMBER_WITH_UNIT.fullmatch(line) for line in lines):
            return np.array([seconds(line, source) for line in lines])
    raise ValueError(f"{source}: no delay table (<name>:2) for the 2D records in the pulse-sequence section")


def echo_train(path, fmt, signal, window, spacing, header):
    """The CPMG record of a TNMR echo train (binary or text export alike).

    Each ``window``-point acquisition window of ``signal`` is summed to one echo;
    echo ``k`` (from 1) lies at ``k * spacing`` (the sequence's ``Echo_Time``), and
    the echoes are phased so that the first one is positive.
    """
    if signal.size % window:
        raise ValueError(f"{path}: {signal.size} points do not make whole {window}-point echo windows")
    echoes = signal.reshape(-1, window).sum(axis=1)
    t = spacing * np.arange(1, echoes.size + 1)
    real, imaginary, phase = phased(echoes, 0)
    return measurement(path, fmt, "CPMG (T2)", real, [Axis(t, "echo time", "s", "Exponential")],
                       phase=phase, imaginary=imaginary, header=header | {"Echo_Time": spacing},
                       notes=[f"each {window}-point echo window summed to one value"])


def read(path):
    ng = nmrglue(path, DESCRIPTION)
    raw = path.read_bytes()
    try:
        dic, data = ng.tecmag.read(str(path))
    except Exception as error:  # nmrglue reports damage as struct/value/index errors
        raise ValueError(f"{path}: truncated or damaged TNMR file ({type(error).__name__}: {error})") from None
    pseq = raw[raw.find(b"PSEQ"):]
    window, points, records = int(dic["npts"][0]), int(dic["actual_npts"][0]), int(dic["actual_npts"][1])
    data = np.asarray(data).reshape(dic["actual_npts"][:2], order="F")
    header = {key: dic[key] for key in ("scans", "actual_scans", "ob_freq", "dwell", "last_delay", "date")}
    if records == 1 and points > window:
        return echo_train(path, FORMAT, data[:, 0], window, echo_time(pseq, path), header)
    if records > 1 and points == window:
        delays = delay_table(pseq, path)
        if delays.size < records:
            raise ValueError(f"{path}: the delay table has {delays.size} entries for {records} records")
        signal = data.sum(axis=0)
        real, imaginary, phase = phased(signal, int(np.argmax(delays[:records])))
        axis = Axis(delays[:records] + DELAY_OFFSET, "inversion time", "s", "Exponential")
        return measurement(path, FORMAT, "inversion recovery (T1)", real, [axis], parameters={"sb": True},
                           phase=phase, imaginary=imaginary, header=header,
                           notes=[f"each {window}-point window summed to one value",
                                  "delays: the 2D delay table + 10 us (the sequence's fixed element)"])
    raise ValueError(f"{path}: TNMR layout of {points} points x {records} records in windows of {window} "
                     "is not supported (fastilt reads CPMG echo trains and inversion-recovery records)")
