"""Magritek Spinsolve relaxometry exports: ``acqu.par`` plus ``<experiment>.dat``.

``acqu.par`` holds ``key = value`` lines (first occurrence wins: some keys repeat);
the data file holds one line per indirect step with re, im interleaved per echo
(comma- or space-separated).  The indirect axis is not stored: it is rebuilt from
the parameters (``minTau``/``maxTau``/``tauSteps``/``logspace``, ...).
Read: T1IRT2 (T1-T2), DT2 (D-T2) and T2T2 (T2-T2).
"""

import numpy as np

from .measurement import Axis, measurement, phased
from .numbers import header_number, table

FORMAT = "Spinsolve"
DESCRIPTION = "Magritek Spinsolve folder (acqu.par + T1IRT2.dat / DT2.dat / T2T2.dat)"
PARAMETER_FILE = "acqu.par"

#: gyromagnetic ratio of 1H, rad s^-1 T^-1 (CODATA 2018)
GAMMA_1H = 2.6752218744e8


def _folder(path):
    return path if path.is_dir() else path.parent


def recognises(path):
    folder = _folder(path)
    return (folder / PARAMETER_FILE).is_file() and (path.is_dir() or path.suffix in (".par", ".dat"))


def parameters(path):
    """``acqu.par`` as a dict (numbers as float, quoted strings unquoted; first occurrence wins)."""
    values = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        key, found, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not found or key in values:
            continue
        try:
            values[key] = float(value)
        except ValueError:
            values[key] = value.strip('"')
    return values


def _get(par, key, source, kind=float):
    if key not in par:
        raise ValueError(f"{source}: parameter {key!r} is missing")
    return header_number(par[key], source, key, kind)


def _steps(par, low, high, count, source):
    """``count`` values from ``low`` to ``high`` (ms -> s), log-spaced if ``logspace = "yes"``."""
    a, b, n = _get(par, low, source) * 1e-3, _get(par, high, source) * 1e-3, _get(par, count, source, int)
    return np.geomspace(a, b, n) if par.get("logspace") == "yes" else np.linspace(a, b, n)


def _inversion_times(par, source):
    return (Axis(_steps(par, "minTau", "maxTau", "tauSteps", source), "inversion time", "s", "InversionRecovery"),
            "T1-T2 (inversion recovery - CPMG)", {"nn": True}, -1)


def _b_values(par, source):
    """b = γ² g² δ² (Δ - δ/3), g linear from 1 mT/m to gradMax (mT/m), δ = lDelta + gradRamp, Δ = bDelta (ms)."""
    steps = _get(par, "nrSteps", source, int)
    g = np.linspace(1e-3, _get(par, "gradMax", source) * 1e-3, steps)
    small_delta = (_get(par, "lDelta", source) + _get(par, "gradRamp", source)) * 1e-3
    big_delta = _get(par, "bDelta", source) * 1e-3
    b = GAMMA_1H**2 * g**2 * small_delta**2 * (big_delta - small_delta / 3)
    return Axis(b, "b-value", "s/m^2", "Diffusion"), "D-T2 (PFG - CPMG)", {"nn": True}, 0


def _encoding_times(par, source):
    return (Axis(_steps(par, "minEcho", "maxEcho", "nrEchoSteps", source), "encoding CPMG time", "s", "Exponential"),
            "T2-T2 (CPMG - storage - CPMG)", {"nn": True}, 0)


#: experiment key -> builder of (indirect axis, experiment, suggested parameters, sign-reference row)
EXPERIMENTS = {"T1IRT2": _inversion_times, "DT2": _b_values, "T2T2": _encoding_times}
NOTES = {
    "DT2": ["gradient steps assumed linear in g from 1 mT/m to gradMax (acqu.par lists no gradient table), "
            "as NMRInversions.jl builds them; b in s/m^2, so D comes out in m^2/s"],
    "T2T2": ["encoding times are the nominal minEcho..maxEcho values, not rounded to whole echo times"],
}


def _rows(path):
    rows = table(path.read_text(encoding="latin-1").splitlines(), path, "re, im per echo")
    if rows.shape[1] % 2:
        raise ValueError(f"{path}: lines of {rows.shape[1]} values, expected an even number (re, im per echo)")
    return rows


def read(path):
    folder = _folder(path)
    par_file = folder / PARAMETER_FILE
    par = parameters(par_file)
    experiment = par.get("experiment")
    if experiment not in EXPERIMENTS:
        raise ValueError(f"{par_file}: Spinsolve experiment {experiment!r} is not supported; "
                         f"fastilt reads {', '.join(EXPERIMENTS)}")
    data_file = folder / f"{experiment}.dat"
    if not data_file.is_file():
        raise FileNotFoundError(f"{par_file} describes a {experiment} experiment but its data file "
                                f"{data_file.name} is missing from {folder}")
    indirect, description, suggested, reference = EXPERIMENTS[experiment](par, par_file)
    echo_time = _get(par, "echoTime", par_file) * 1e-6
    n_echoes = _get(par, "nrEchoes", par_file, int)
    values = _rows(data_file)
    if values.shape != (indirect.values.size, 2 * n_echoes):
        raise ValueError(
            f"{par_file} ({indirect.values.size} steps x nrEchoes = {n_echoes}) does not match "
            f"{data_file.name} ({values.shape[0]} lines of {values.shape[1]} values, expected "
            f"{indirect.values.size} lines of {2 * n_echoes})"
        )
    real, imaginary, phase = phased(values[:, 0::2] + 1j * values[:, 1::2], (reference, 0))
    echoes = Axis(echo_time * np.arange(1, n_echoes + 1), "echo time", "s", "Exponential")
    return measurement(
        data_file, FORMAT, description, real, [indirect, echoes], parameters=suggested,
        phase=phase, imaginary=imaginary, header=par, notes=NOTES.get(experiment, ()),
    )
