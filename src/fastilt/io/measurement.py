"""What every reader returns: data in physical units, its axes and the metadata a user needs.

A reader builds its result with :func:`measurement`; ``iltload`` turns it into an
:class:`~fastilt.IltData` whose ``metadata`` dict holds

``format``, ``experiment``
    the file format and the experiment as the file states it;
``axes``
    one ``{"name", "unit", "kernel"}`` per dimension: what the sampling vector
    ``t[d]`` means, its unit (SI: s, s/m^2, Hz, G) and the suggested kernel
    (a class name of :mod:`fastilt.kernels`, or ``"InversionRecovery"`` for
    ``1 - 2 exp(-t/T1)`` and ``"SaturationRecovery"`` for ``1 - exp(-t/T1)``,
    user kernels of ``fastilt invert``; ``None`` where no kernel fits, with
    ``"why"`` saying so);
``kernels``, ``parameters``
    the suggested kernels per dimension and fit parameters (e.g. ``sb`` for an
    inversion recovery, which is a constant plus a decay);
``phase_deg``, ``imaginary``
    for complex signals: the zero-order phase applied (see :func:`zero_order_phase`)
    and the imaginary part left after it;
``instrument_results``
    the instrument's own analysis, where the file reports one;
``header``
    the file's acquisition parameters as read;
``empty_traces``
    (only where there are some) the indices along the last dimension of
    traces that are all zero: planned but never acquired (an aborted
    acquisition), left out of noise estimates.
"""

from dataclasses import dataclass

import numpy as np

__all__ = ["Axis", "measurement", "peak_region", "phased", "rotate", "spectral_phase", "unit_scale", "zero_order_phase"]

#: Time-unit suffixes of instrument files and parameter lists, as factors to seconds.
TIME_UNITS = {"s": 1.0, "m": 1e-3, "ms": 1e-3, "u": 1e-6, "us": 1e-6, "µs": 1e-6, "n": 1e-9, "ns": 1e-9}


def unit_scale(unit, source):
    """The factor from ``unit`` (a suffix such as ``ms`` or ``u``) to seconds."""
    try:
        return TIME_UNITS[unit]
    except KeyError:
        raise ValueError(f"{source}: unknown time unit {unit!r} (known: {', '.join(TIME_UNITS)})") from None


@dataclass(frozen=True)
class Axis:
    """One sampling axis: its values (SI units), name, unit and suggested kernel (``why`` there is none)."""

    values: np.ndarray
    name: str
    unit: str
    kernel: str | None
    why: str | None = None


def zero_order_phase(z, reference, axis=None):
    """The zero-order phase (radians) that rotates complex data onto the real axis.

    ``phi = -arg(sum z**2) / 2`` is the least-squares choice: it puts the most
    signal energy into the real part (and the least into the imaginary part),
    for decays and for curves that cross zero (inversion recovery) alike.  Of
    the two solutions ``phi`` and ``phi + pi`` the one is taken whose real part
    is positive at index ``reference`` (the equilibrium signal: a CPMG's first
    echo, an inversion recovery's longest delay).  With ``axis``, one phase per
    slice along that axis (``reference`` then indexes that axis).

    Every reader that meets complex data applies this phase; the imaginary part
    left after it (``metadata["imaginary"]``) holds the noise, and the phase in
    degrees is ``metadata["phase_deg"]``.

    Parameters
    ----------
    z : array_like of complex
        The signal (1D, or nD with ``axis``).
    reference : int or tuple of int
        Index of a point whose real part must come out positive (for nD data
        without ``axis``: a tuple).
    axis : int, optional
        Phase each slice along ``axis`` on its own, e.g. each trace of a
        series of scans whose phase drifts.

    Returns
    -------
    float or ndarray
        The phase ``phi`` in ``[0, 2 pi)``; ``z * exp(1j * phi)`` is the phased
        signal.  With ``axis``: one phase per slice, ``axis`` kept with size 1.

    Examples
    --------
    A decay rotated by 0.3 rad is rotated back; the sign is chosen so that the
    reference point (here the first echo) is positive:

    >>> import numpy as np
    >>> from fastilt.io import zero_order_phase
    >>> z = 100 * np.exp(-np.arange(50) / 10) * np.exp(1j * 0.3)
    >>> phi = zero_order_phase(z, reference=0)
    >>> print(round(float(phi), 6), round(float(2 * np.pi - 0.3), 6))
    5.983185 5.983185
    >>> phased = z * np.exp(1j * phi)
    >>> bool(np.allclose(phased.imag, 0) and phased[0].real > 0)
    True

    An inversion recovery crosses zero; its reference is the longest delay:

    >>> recovery = (1 - 2 * np.exp(-np.arange(1, 20) / 5)) * np.exp(-1j * 2.0)
    >>> phased = recovery * np.exp(1j * zero_order_phase(recovery, reference=-1))
    >>> print(np.round(phased.real[[0, -1]], 3))
    [-0.637  0.955]
    """
    z = np.asarray(z, dtype=complex)
    phi = -0.5 * np.angle(np.sum(z**2, axis=axis, keepdims=axis is not None))
    at_reference = z[reference] if axis is None else np.take(z, [reference], axis=axis)
    return np.where((at_reference * np.exp(1j * phi)).real < 0, phi + np.pi, phi) % (2 * np.pi)


def peak_region(spectra):
    """The slice of the strongest peak of a series of spectra (rows): where the magnitude, summed over the
    rows, stays above a quarter of its height over the baseline (the 10th percentile), around its maximum.

    A quarter rather than half the height: a Lorentzian's half-height region
    holds only half its integral, and the phase of the rest counts as much."""
    magnitude = np.abs(spectra).sum(axis=0)
    top = int(np.argmax(magnitude))
    baseline = np.percentile(magnitude, 10)
    below = magnitude < baseline + 0.25 * (magnitude[top] - baseline)
    low = top - int(np.argmax(below[top::-1])) + 1 if below[:top].any() else 0
    high = top + int(np.argmax(below[top:])) if below[top:].any() else magnitude.size
    return slice(low, high)


def spectral_phase(spectra, reference):
    """The zero-order phase of a series of spectra (rows), decided by its strongest peak.

    :func:`zero_order_phase` of the integrals over :func:`peak_region` (the
    same region in every row), positive at row ``reference``.  The integral of
    a whole spectrum is its FID's first point: on a broad, weak line it is
    carried by the baseline offset and dispersive tails, and can give the
    peak the wrong sign.
    """
    return zero_order_phase(spectra[:, peak_region(spectra)].sum(axis=1), reference)


def rotate(z, phi):
    """``z * exp(i phi)``: the phased data (real part: signal, imaginary part: noise)."""
    return np.asarray(z, dtype=complex) * np.exp(1j * np.asarray(phi))


def measurement(path, fmt, experiment, data, axes, *, parameters=None, phase=None, imaginary=None,
                instrument_results=None, header=None, notes=(), empty_traces=()):
    """The ``iltload`` record of one instrument file: data, sampling vectors and metadata."""
    data = np.asarray(data, dtype=float)
    if data.shape != tuple(axis.values.size for axis in axes):
        raise ValueError(
            f"{path}: data of shape {data.shape} but axes of sizes "
            f"{tuple(axis.values.size for axis in axes)}"
        )
    metadata = {
        "format": fmt,
        "experiment": experiment,
        "axes": [{"name": a.name, "unit": a.unit, "kernel": a.kernel} | ({"why": a.why} if a.why else {})
                 for a in axes],
        "kernels": [a.kernel for a in axes],
        "parameters": dict(parameters or {}),
        "instrument_results": dict(instrument_results or {}),
        "header": dict(header or {}),
        "notes": list(notes),
    }
    if len(empty_traces):
        metadata["empty_traces"] = list(empty_traces)
    if phase is not None:
        metadata["phase_deg"] = np.degrees(phase)
        metadata["imaginary"] = np.asarray(imaginary, dtype=float)
    return {
        "dataset_type": fmt,
        "filepath": path,
        "data": data,
        "dims": [np.asarray(a.values, dtype=float) for a in axes],
        "metadata": metadata,
    }


def phased(z, reference, axis=None):
    """``(real, imaginary, phase)`` of ``z`` after :func:`zero_order_phase`."""
    phi = zero_order_phase(z, reference, axis)
    rotated = rotate(z, phi)
    return rotated.real, rotated.imag, phi if axis is None else np.squeeze(phi, axis=axis)
