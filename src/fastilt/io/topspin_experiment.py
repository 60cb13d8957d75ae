"""What a TopSpin pseudo-2D series is, from its pulse programme and list file, and its axis in physical units.

The pulse programme's name (``PULPROG`` of ``acqus``) gives the experiment and
so the kernel of the series: saturation recovery (``satrec...``) recovers as
``1 - exp(-t/T1)`` (with a static term from imperfect saturation), inversion
recovery (``t1ir...``) as ``1 - 2 exp(-t/T1)``, a CPMG decays.  The list file
gives the series axis:

``vdlist``
    variable delays (s);
``vclist``
    loop counts; for a CPMG the echo-train time is count x (2 D20 + P2),
    the cycle ``d20 p2 d20`` that Bruker's CPMG programmes loop ``c`` times;
``difflist``
    gradient strengths (G/cm) of a diffusion series, read as
    b = γ² g² δ² (Δ - δ/3) with Δ = D20 and δ = 2 P30 (Bruker's ledbpgp/stebpgp
    convention), for 1H;
``vplist``
    variable pulse lengths (a nutation series): no relaxation kernel, refused.

An unrecognised pulse programme keeps the variable-delay reading with a decay
kernel and says so in the notes.
"""

import re
from dataclasses import dataclass, field

import numpy as np

from .measurement import Axis, unit_scale
from .numbers import header_number

__all__ = ["Series", "series"]

#: gyromagnetic ratio of 1H, rad s^-1 T^-1 (CODATA 2018)
GAMMA_1H = 2.6752218744e8
GAUSS_PER_CM = 1e-2  # T/m
#: a vdlist entry: a number and an optional time unit (nmrglue's reader turns "5ms" into "5e-3s" and fails)
_DELAY = re.compile(r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-zµ]*)")
#: pulse-programme name fragment -> (experiment, kernel, suggested parameters, the equilibrium row is the last)
_EXPERIMENTS = (
    ("satrec", "saturation recovery (T1)", "SaturationRecovery", {"sb": True}, True),
    ("t1ir", "inversion recovery (T1)", "InversionRecovery", {}, True),
    ("invrec", "inversion recovery (T1)", "InversionRecovery", {}, True),
    ("cpmg", "CPMG (T2)", "Exponential", {}, False),
    ("ledbp", "diffusion (PFG)", "Diffusion", {}, False),
    ("stebp", "diffusion (PFG)", "Diffusion", {}, False),
)
_UNKNOWN = ("pseudo-2D spectra vs variable delay", "Exponential", {}, True)


@dataclass
class Series:
    """The series axis of a pseudo-2D experiment and what it implies."""

    axis: Axis
    experiment: str
    parameters: dict
    #: the row holding the equilibrium signal (positive after phasing)
    reference: int
    notes: list = field(default_factory=list)


def _delay(text, source, line):
    """A vdlist entry, ``20.000m`` or ``1.306`` (seconds; suffixes n, u, m, s and ns, us, ms)."""
    match = _DELAY.fullmatch(text)
    if match is None:
        raise ValueError(f"{source}, line {line}: {text!r} is not a delay (expected a number with an "
                         "optional unit n, u, m or s, e.g. 20m)")
    return float(match[1]) * (unit_scale(match[2], f"{source}, line {line}") if match[2] else 1.0)


def _loop_count(text, source, line):
    return header_number(text, f"{source}, line {line}", "the loop count", int)


def _gradient(text, source, line):
    return header_number(text, f"{source}, line {line}", "the gradient strength (G/cm)")


def _list_file(path, entry, rows):
    """The first ``rows`` entries of a TopSpin list file, one per non-blank line, read by ``entry(text, path, line)``."""
    lines = path.read_text(encoding="latin-1").splitlines()
    values = np.array([entry(line.strip(), path, number)
                       for number, line in enumerate(lines, start=1) if line.strip()], dtype=float)
    if values.size < rows:
        raise ValueError(f"{path} has {values.size} entries but {path.parent / 'ser'} holds {rows} FIDs")
    return values[:rows]


def _parameter(acqus, name, index, source):
    """``acqus`` array parameter ``name[index]`` (D in s, P in µs), required to be positive."""
    values = acqus.get(name) or []
    value = float(values[index]) if index < len(values) else 0.0
    if not value > 0:
        raise ValueError(f"{source}: {name}{index} = {value:g}, but this series needs it positive")
    return value


def _echo_train(counts, acqus, source):
    cycle = 2 * _parameter(acqus, "D", 20, source) + _parameter(acqus, "P", 2, source) * 1e-6
    note = (f"echo-train time = vclist loop count x (2 D20 + P2) = count x {cycle:.6g} s "
            "(the 'd20 p2 d20' cycle of Bruker's CPMG programmes)")
    return Axis(counts * cycle, "echo-train time (vclist x (2 D20 + P2))", "s", "Exponential"), note


def _b_values(gradients, acqus, source):
    nucleus = str(acqus.get("NUC1", "1H"))
    if nucleus != "1H":
        raise ValueError(f"{source}: a difflist series of {nucleus}; fastilt knows γ of 1H only")
    big_delta, small_delta = _parameter(acqus, "D", 20, source), 2 * _parameter(acqus, "P", 30, source) * 1e-6
    g = gradients * GAUSS_PER_CM
    b = GAMMA_1H**2 * g**2 * small_delta**2 * (big_delta - small_delta / 3)
    note = (f"b = γ² g² δ² (Δ - δ/3) with g from the difflist (G/cm), Δ = D20 = {big_delta:g} s, "
            f"δ = 2 P30 = {small_delta:g} s, γ of 1H; bipolar-pulse corrections left out")
    return Axis(b, "b-value (difflist)", "s/m^2", "Diffusion"), note


def _experiment(pulse_programme):
    name = pulse_programme.lower()
    return next((entry[1:] for entry in _EXPERIMENTS if entry[0] in name), _UNKNOWN)


def series(folder, acqus, rows):
    """The :class:`Series` of the pseudo-2D folder ``folder`` with ``rows`` FIDs."""
    pulse_programme = str(acqus.get("PULPROG", ""))
    found = _experiment(pulse_programme)
    experiment, kernel, parameters, recovers = found
    source = folder / "acqus"
    notes = []
    if found is _UNKNOWN:
        notes.append(f"pulse programme {pulse_programme!r} not recognised: the variable delays get a decay "
                     "kernel (Exponential); give --kernel if the experiment is a recovery")
    if (folder / "vdlist").is_file():
        axis = Axis(_list_file(folder / "vdlist", _delay, rows), "variable delay (vdlist)", "s", kernel)
    elif (folder / "vclist").is_file():
        counts = _list_file(folder / "vclist", _loop_count, rows)
        if experiment == "CPMG (T2)":
            axis, note = _echo_train(counts, acqus, source)
            notes.append(note)
        else:
            axis = Axis(counts, "loop count (vclist)", "count", None,
                        why=f"loop counts of pulse programme {pulse_programme!r}; the time per loop is known "
                            "for CPMG programmes only (2 D20 + P2)")
    elif (folder / "difflist").is_file():
        if kernel != "Diffusion":
            raise ValueError(f"{folder / 'difflist'}: a difflist with pulse programme {pulse_programme!r}, which is "
                             "not a recognised diffusion experiment (ledbp..., stebp...); not supported")
        axis, note = _b_values(_list_file(folder / "difflist", _gradient, rows), acqus, source)
        notes.append(note)
    elif (folder / "vplist").is_file():
        raise ValueError(f"{folder / 'vplist'}: a vplist series (variable pulse lengths, a nutation curve) is not "
                         "supported: it has no relaxation kernel")
    else:
        raise FileNotFoundError(f"{folder}: a pseudo-2D experiment needs its vdlist, vclist or difflist, "
                                "found none")
    reference = int(np.argmax(axis.values) if recovers else np.argmin(axis.values))
    return Series(axis, experiment, dict(parameters), reference, notes)
