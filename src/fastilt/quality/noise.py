"""The noise level of a measurement, so that it can be scaled to unit noise.

ILTpy's regularisation is calibrated for data whose noise has unit standard
deviation.  :func:`estimate_noise` measures the noise in one of three ways,
each usable alone:

``"tail"``
    the signal-free end of the relaxation axis (largest ``t``): the standard
    deviation about a parabola fitted to the last ``tail`` share of the
    points.  A plateau (an inversion recovery's equilibrium) or the remainder
    of a slow decay is fine; the parabola removes it.  Coloured noise is
    measured as it is.
``"highpass"``
    the residual of a local cubic fit (Savitzky-Golay, 21 points) over the whole
    axis, for data without a signal-free tail.  Only the fastest variations are
    kept, so smooth decays do not count as noise; the scale is robust (points
    beyond 5 median absolute deviations are left out).  Noise correlated
    between neighbouring points reads a few per cent low (-3 % at a lag-1
    correlation of 0.2, where first differences read -8 %).
``"imaginary"``
    the imaginary channel of phased complex data, which holds noise only
    (robust scale, as for ``"highpass"``).

``"auto"`` takes the tail if it is free of signal, else the imaginary channel
if there is one, else the high-pass estimate.  A channel counts as free of
signal when its spread agrees with its own high-pass estimate within 20 %: left
signal would widen it.  Data of more than one dimension are measured along the
first axis (the relaxation axis, always inverted), pooled over the others.
"""

from dataclasses import dataclass

import numpy as np

from ..io.measurement import rotate, zero_order_phase

__all__ = ["METHODS", "NoiseEstimate", "estimate_noise", "measurement_noise", "scale_to_unit_noise"]

#: The estimators ``method`` may name (besides ``"auto"``).
METHODS = ("tail", "highpass", "imaginary")

#: Fewest points along the relaxation axis that any estimator accepts.
MIN_POINTS = 10
#: Fewest degrees of freedom for a tail estimate (its relative error is ~1/sqrt(2 dof)).
MIN_TAIL_DOF = 30
#: A channel is signal-free when its spread is at most this times its high-pass estimate.
SIGNAL_FREE_RATIO = 1.2
#: Points beyond this many robust standard deviations are outliers (spikes, echo artefacts).
OUTLIER_CUT = 5.0
#: Normal consistency factor of the median absolute deviation.
MAD_TO_SD = 1.482602218505602
#: Savitzky-Golay window and order of the high-pass: wide enough that neighbour
#: correlation barely biases it, a cubic so that decays a few points long stay out.
HIGHPASS_WINDOW = 21
HIGHPASS_ORDER = 3


@dataclass(frozen=True)
class NoiseEstimate:
    """The noise standard deviation of a measurement, with its statistical uncertainty.

    Attributes
    ----------
    sigma : float
        Noise standard deviation, in the data's units.
    uncertainty : float
        Standard error of ``sigma`` (from the number of points used; a bias
        from coloured noise or left signal is not included).
    method : str
        The estimator used: ``"tail"``, ``"highpass"`` or ``"imaginary"``.
    reason : str
        One line: what was measured and, for ``"auto"``, why this estimator.

    Examples
    --------
    >>> from fastilt.quality import NoiseEstimate
    >>> print(NoiseEstimate(2.0, 0.05, "tail", "last 20 % of 1000 points"))
    noise sigma = 2 ± 0.05 (tail: last 20 % of 1000 points)
    """

    sigma: float
    uncertainty: float
    method: str
    reason: str

    def __str__(self):
        return f"noise sigma = {self.sigma:.4g} ± {self.uncertainty:.2g} ({self.method}: {self.reason})"


def _traces(array):
    """``array`` as columns along its first axis: shape ``(n, traces)``."""
    return array.reshape(array.shape[0], -1, order="F")


def _robust_sd(values):
    """Standard deviation about the median, without points beyond ``OUTLIER_CUT`` MADs.

    The median absolute deviation alone would ignore spikes, but it is noisy
    (37 % efficient); the standard deviation of the points it accepts is nearly
    as precise as a plain one.  Returns the estimate and the number of points used.
    """
    centred = values - np.median(values)
    scale = MAD_TO_SD * np.median(np.abs(centred))
    kept = centred[np.abs(centred) <= OUTLIER_CUT * scale] if scale > 0 else centred
    return float(np.sqrt(np.mean(kept**2))), kept.size


def _highpass(traces):
    """``(sigma, uncertainty, points)`` from the local-cubic residuals of each trace."""
    n = traces.shape[0]
    window = min(HIGHPASS_WINDOW, n // 2 * 2 - 1)  # odd, no longer than the trace
    order = min(HIGHPASS_ORDER, window - 2)
    # A white noise point keeps the share 1 - h0 of its variance in the residual
    # of a least-squares smoother whose own weight is h0.
    from scipy.signal import savgol_coeffs, savgol_filter  # on first use: scipy.signal is slow to import

    h0 = savgol_coeffs(window, order)[window // 2]
    residual = traces - savgol_filter(traces, window, order, axis=0)
    inner = residual[window // 2 : n - window // 2]  # the ends use asymmetric fits
    sd, used = _robust_sd(inner.ravel())
    sigma = sd / np.sqrt(1 - h0)
    return sigma, sigma / np.sqrt(2 * used), used


def _tail(traces, t, fraction):
    """``(sigma, uncertainty, points)`` about a parabola through the last ``fraction`` of each trace."""
    n = traces.shape[0]
    order = np.arange(n) if t is None else np.argsort(t, kind="stable")
    last = order[n - max(int(np.ceil(fraction * n)), 4) :]
    x = np.arange(last.size) if t is None else np.asarray(t, dtype=float)[last]
    x = (x - x.mean()) / (np.ptp(x) or 1.0)  # a well-conditioned fit
    design = np.column_stack([np.ones_like(x), x, x**2])
    coefficients = np.linalg.lstsq(design, traces[last], rcond=None)[0]
    residual = traces[last] - design @ coefficients
    dof = residual.size - design.shape[1] * traces.shape[1]
    if dof < MIN_TAIL_DOF:
        raise ValueError(
            f"the tail (last {fraction:.0%} of {n} points) leaves {dof} degrees of freedom, "
            f"fewer than {MIN_TAIL_DOF}: use a larger tail= or method='highpass'"
        )
    sigma = float(np.sqrt(np.sum(residual**2) / dof))
    return sigma, sigma / np.sqrt(2 * dof), last.size


def _channels(data, t, imaginary):
    """The real signal, its sampling vector and the noise-only imaginary channel (or None)."""
    if hasattr(data, "data") and hasattr(data, "t"):  # an IltData: its arrays and reader metadata
        t = data.t[0] if t is None else t
        if imaginary is None:
            imaginary = getattr(data, "metadata", {}).get("imaginary")
        data = data.data
    data = np.asarray(data)
    if np.iscomplexobj(data):
        reference = (0,) * data.ndim if data.ndim > 1 else 0
        phased = rotate(data, zero_order_phase(data, reference))
        data, imaginary = phased.real, phased.imag
    data = np.asarray(data, dtype=float)
    if isinstance(t, (list, tuple)):
        t = t[0]
    t = None if t is None else np.ravel(t)
    if data.ndim == 0 or data.shape[0] < MIN_POINTS:
        raise ValueError(f"noise estimation needs at least {MIN_POINTS} points along the first axis")
    if not np.all(np.isfinite(data)):
        raise ValueError("data contain NaN or infinite values")
    if t is not None and np.size(t) != data.shape[0]:
        raise ValueError(f"t has {np.size(t)} values for {data.shape[0]} points along the first axis")
    if imaginary is not None:
        imaginary = np.asarray(imaginary, dtype=float).reshape(data.shape)
    return data, t, imaginary


def _estimate(method, traces, t, imaginary, tail):
    """One named estimator as a :class:`NoiseEstimate` (reason: what it measured)."""
    if method == "tail":
        sigma, error, points = _tail(traces, t, tail)
        where = "largest t" if t is not None else "end"
        reason = f"sd about a parabola through the last {points} of {traces.shape[0]} points ({where})"
    elif method == "highpass":
        sigma, error, points = _highpass(traces)
        reason = f"robust sd of local-cubic ({HIGHPASS_WINDOW}-point) residuals, {points} points"
    elif method == "imaginary":
        if imaginary is None:
            raise ValueError("method='imaginary' needs complex data, imaginary=, or an IltData with metadata['imaginary']")
        sd, points = _robust_sd(_traces(imaginary).ravel())
        sigma, error = sd, sd / np.sqrt(2 * points)
        reason = f"robust sd of the imaginary channel, {points} points"
    else:
        raise ValueError(f"method must be 'auto' or one of {METHODS}, not {method!r}")
    if traces.shape[1] > 1:
        reason += f", pooled over {traces.shape[1]} traces"
    return NoiseEstimate(float(sigma), float(error), method, reason)


def _auto(traces, t, imaginary, tail):
    """The tail if signal-free, else the imaginary channel if signal-free, else the high-pass."""
    highpass = _estimate("highpass", traces, t, None, tail)
    try:
        tail_estimate = _estimate("tail", traces, t, None, tail)
    except ValueError:
        tail_estimate = None
    if tail_estimate is not None and tail_estimate.sigma <= SIGNAL_FREE_RATIO * highpass.sigma:
        why = f"auto: the tail is signal-free (its sd is {tail_estimate.sigma / highpass.sigma:.2f}x the high-pass one)"
        return NoiseEstimate(tail_estimate.sigma, tail_estimate.uncertainty, "tail", f"{why}; {tail_estimate.reason}")
    tail_note = "the tail is too short" if tail_estimate is None else "the tail holds signal"
    if imaginary is not None:
        channel = _estimate("imaginary", traces, t, imaginary, tail)
        own_highpass = _highpass(_traces(imaginary))[0]
        if channel.sigma <= SIGNAL_FREE_RATIO * own_highpass:
            why = f"auto: {tail_note}, the imaginary channel is signal-free"
            return NoiseEstimate(channel.sigma, channel.uncertainty, "imaginary", f"{why}; {channel.reason}")
        tail_note += " and the imaginary channel holds signal (phase error?)"
    return NoiseEstimate(highpass.sigma, highpass.uncertainty, "highpass", f"auto: {tail_note}; {highpass.reason}")


def estimate_noise(data, t=None, *, method="auto", imaginary=None, tail=0.2):
    """Estimate the noise standard deviation of a measurement.

    Parameters
    ----------
    data : array_like or IltData
        The measurement, 1D, pseudo-2D or 2D, relaxation axis first (complex
        data are phased and their imaginary part is the noise channel).  An
        :class:`~fastilt.IltData` gives its data, ``t`` and the imaginary
        channel its reader kept (``metadata["imaginary"]``).
    t : array_like, optional
        Sampling vector of the first axis; the tail is taken at its largest
        values and the parabola fitted against it (default: the last points, by index).
    method : {"auto", "tail", "highpass", "imaginary"}
        The estimator (see :mod:`fastilt.quality.noise`); ``"auto"`` picks by
        what the data offer and says which in ``reason``.
    imaginary : array_like, optional
        The imaginary channel of phased data, shaped like ``data``.
    tail : float, default 0.2
        Share of the points along the first axis that forms the tail.

    Returns
    -------
    NoiseEstimate
        ``sigma``, ``uncertainty``, ``method`` and a one-line ``reason``.

    Examples
    --------
    A two-component decay with noise of standard deviation 2:

    >>> import numpy as np
    >>> import fastilt as ilt
    >>> t = np.linspace(1e-3, 2, 4096)
    >>> rng = np.random.default_rng(0)
    >>> s = 100 * np.exp(-t / 0.05) + 50 * np.exp(-t / 0.5) + rng.normal(0, 2, t.size)
    >>> noise = ilt.estimate_noise(s, t)
    >>> noise.method, round(noise.sigma, 1)
    ('tail', 2.0)
    >>> round(ilt.estimate_noise(s, t, method="highpass").sigma, 1)
    2.0
    """
    data, t, imaginary = _channels(data, t, imaginary)
    if not 0 < tail < 1:
        raise ValueError(f"tail must be a share between 0 and 1, not {tail}")
    traces = _traces(data)
    if method == "auto":
        return _auto(traces, t, imaginary, tail)
    return _estimate(method, traces, t, imaginary, tail)


def measurement_noise(data, t, imaginary=None, left_out=()):
    """The noise of an instrument measurement (``auto``), or None where it has too few points to tell.

    Traces ``left_out`` (the last axis: traces an aborted acquisition left all
    zero) are not used: their zero differences would pull the estimate down.
    A few delays of long traces (spectra against delay) are measured along the
    traces.  What :func:`fastilt.iltload` stores as ``metadata["noise"]`` for
    instrument files and ``fastilt invert`` divides the data by.
    """
    values = np.asarray(data, dtype=float)
    if len(left_out):
        values = np.delete(values, left_out, axis=-1)
        imaginary = None if imaginary is None else np.delete(imaginary, left_out, axis=-1)
    if values.ndim > 1 and values.shape[0] < MIN_POINTS:
        values, t = np.moveaxis(values, -1, 0), None
        imaginary = None if imaginary is None else np.moveaxis(imaginary, -1, 0)
    if values.shape[0] < MIN_POINTS:
        return None
    return estimate_noise(values, t, imaginary=imaginary)


def scale_to_unit_noise(data, t=None, *, method="auto", imaginary=None, tail=0.2):
    """The data divided by their noise level, and that level (opt-in: ILTpy scales nothing).

    Invert the scaled data; multiply ``g``, ``fit`` and ``residuals`` by
    ``noise.sigma`` to give them in the data's own units.

    Parameters
    ----------
    data, t, method, imaginary, tail
        As for :func:`estimate_noise`.

    Returns
    -------
    scaled : ndarray
        ``data / noise.sigma`` (the real part after phasing, for complex data).
    noise : NoiseEstimate
        The scale and how it was measured.

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt as ilt
    >>> t = np.linspace(1e-3, 2, 4096)
    >>> s = 5e4 * np.exp(-t / 0.1) + np.random.default_rng(1).normal(0, 80, t.size)
    >>> scaled, noise = ilt.scale_to_unit_noise(s, t)
    >>> round(float(np.std(scaled[-100:])), 1), round(noise.sigma / 80, 1)
    (1.0, 1.0)
    >>> data = ilt.iltload(data=scaled, t=t)
    >>> data.init(np.logspace(-3, 1, 60), ilt.Exponential())
    >>> data.invert(verbose=0)
    >>> g_in_data_units = data.g * noise.sigma
    """
    real, t, imaginary = _channels(data, t, imaginary)
    noise = estimate_noise(real, t, method=method, imaginary=imaginary, tail=tail)
    return real / noise.sigma, noise
