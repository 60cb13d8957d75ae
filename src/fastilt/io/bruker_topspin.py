"""Bruker TopSpin pseudo-2D experiment folders (``ser``, ``acqus`` and a list file), read with nmrglue.

Each FID is cut to its ``TD`` points (the file pads to 1 KiB blocks), the digital
filter's group delay is removed (nmrglue), and the FID is Fourier transformed
(no apodisation, no DC correction).  All spectra get one zero-order phase,
decided by the strongest peak (:func:`~fastilt.io.measurement.spectral_phase`)
and positive in the row of the equilibrium signal (a recovery's longest delay,
a decay's first point).  The pulse programme and the list file (``vdlist``,
``vclist``, ``difflist``) give the experiment, its kernel and the series axis
in physical units (:mod:`.topspin_experiment`).  The result is (series,
frequency): invert the first dimension, keep the spectral one (Identity
kernel), i.e. a pseudo-2D inversion.
"""

import warnings

import numpy as np

from ._nmrglue import nmrglue
from .measurement import Axis, measurement, rotate, spectral_phase
from .topspin_experiment import series

FORMAT = "Bruker TopSpin"
DESCRIPTION = "Bruker TopSpin pseudo-2D experiment folder (ser + acqus + vdlist, vclist or difflist)"
#: AQ_mod values whose data are complex (re, im) pairs
_COMPLEX_MODES = (1, 3)


def _folder(path):
    return path if path.is_dir() else path.parent


def recognises(path):
    folder = _folder(path)
    return (folder / "acqus").is_file() and ((folder / "ser").is_file() or (folder / "fid").is_file())


def read(path):
    ng = nmrglue(path, DESCRIPTION)
    folder = _folder(path)
    if not (folder / "ser").is_file():
        raise ValueError(f"{folder}: a 1D experiment (fid); fastilt reads pseudo-2D experiments (ser)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nmrglue warns that chemical-shift referencing is not applied
        try:
            dic, data = ng.bruker.read(str(folder))
        except Exception as error:  # nmrglue reports a short ser as a reshape/value error
            raise ValueError(f"{folder / 'ser'}: truncated or not matching acqus/acqu2s "
                             f"({type(error).__name__}: {error})") from None
    acqus = dic["acqus"]
    if acqus.get("AQ_mod") not in _COMPLEX_MODES or data.ndim != 2:
        raise ValueError(f"{folder}: expected complex pseudo-2D data (AQ_mod 1 or 3, a ser of FIDs), "
                         f"got AQ_mod {acqus.get('AQ_mod')} and data of shape {data.shape}")
    td = acqus["TD"] // 2
    if data.shape[1] < td:
        raise ValueError(f"{folder / 'ser'}: FIDs of {data.shape[1]} points, but acqus TD = {acqus['TD']}")
    indirect = series(folder, acqus, data.shape[0])
    fids = ng.bruker.remove_digital_filter(dic, data[:, :td])
    spectra = np.fft.fftshift(np.fft.fft(fids, axis=1), axes=1)
    frequency = np.fft.fftshift(np.fft.fftfreq(spectra.shape[1], d=1.0 / acqus["SW_h"]))
    phase = spectral_phase(spectra, indirect.reference)
    phased = rotate(spectra, phase)
    header = {key: acqus.get(key) for key in ("PULPROG", "SFO1", "SW_h", "TD", "NS", "DECIM", "DSPFVS", "GRPDLY")}
    return measurement(
        folder, FORMAT, indirect.experiment, phased.real,
        [indirect.axis, Axis(frequency, "frequency offset from the carrier", "Hz", "Identity")],
        parameters=indirect.parameters, phase=phase, imaginary=phased.imag, header=header,
        notes=["frequency: numpy fftfreq order, not chemical-shift referenced", *indirect.notes],
    )
