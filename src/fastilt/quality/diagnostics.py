"""Can this inversion be trusted?  Checks of a finished inversion, each with a verdict and a remedy.

:func:`diagnose` reads only what :meth:`~fastilt.IltData.invert` leaves on the
object (``residuals``, ``g``, ``convergence``, ``W``, ``Gamma2``, ...) and
checks:

residual sd
    the residuals' standard deviation in noise units.  The regularisation is
    calibrated for unit noise: far from 1, the data were not scaled to unit
    noise (or the model misses part of the signal).
whiteness
    the residuals' lag-1 autocorrelation and a Wald-Wolfowitz runs test along
    the first axis (a warning needs p < 0.001 and a correlation of 0.2 or
    more): structure left in the residuals is signal the model did
    not fit, or noise correlated between points (then the noise level is
    not the one the regularisation assumes).
tau range
    the share of ``|g|`` on the outer tenth of each inverted tau axis: a
    distribution that reaches the end of the grid is cut off by it.
convergence
    whether the iteration met ``conv_limit`` or stopped at ``maxloop`` while
    ``g`` still changed by more than 2 % per iteration.
negative lobes
    the share of ``|g|`` below zero where ``nn`` was not asked for.
degrees of freedom
    ``trace((W + Γ)⁻¹ W)``, the trace of the influence matrix
    ``K (W + Γ)⁻¹ Kᵀ``: how many parameters the data determine (computed
    for up to ``MAX_EDF_UNKNOWNS`` unknowns).
"""

import math
from dataclasses import dataclass

import numpy as np

from ..kernels import Identity
from ..validation import is_sparse
from .noise import _traces, estimate_noise

__all__ = ["Check", "Diagnosis", "diagnose"]

#: Residual sd (noise units) outside this range: the data are not at unit noise.
RESIDUAL_SD_RANGE = (0.8, 1.25)
#: p-value below which the residuals are taken as not white (clean data pass 999 times in 1000) ...
WHITENESS_P = 1e-3
#: ... when their lag-1 correlation is also this large: with thousands of points a correlation of
#: 0.1 is significant but harmless (default pseudo-2D inversions leave ~0.1; unfitted signal, 0.3-0.8).
WHITENESS_LAG1 = 0.2
#: Share of the tau points at each end that counts as "the edge" (at least EDGE_MIN_POINTS).
EDGE_SHARE_OF_POINTS = 0.1
EDGE_MIN_POINTS = 3
#: Share of |g| on an edge above which the grid is too narrow (clean runs: below 0.03 %).
EDGE_WARNING = 0.01
#: Relative change of g per iteration still acceptable at maxloop (ILTpy's runs end at 0.1-1 %).
SETTLED_CHANGE = 0.02
#: Share of |g| below zero that counts as a negative lobe (clean runs: below 2 %).
NEGATIVE_WARNING = 0.05
#: Largest number of unknowns for which the degrees of freedom are computed (a dense n x n solve).
MAX_EDF_UNKNOWNS = 2000

OK, WARNING, SKIPPED = "ok", "warning", "skipped"


@dataclass(frozen=True)
class Check:
    """One check of a :class:`Diagnosis`: what was measured, the verdict and what to change."""

    name: str
    value: str
    verdict: str
    advice: str


@dataclass(frozen=True)
class Diagnosis:
    """The checks of one inversion (see :mod:`fastilt.quality.diagnostics`) and the numbers behind them.

    ``str(diagnosis)`` is a table of the checks; :attr:`ok` is True when no check warns.

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt as ilt
    >>> t = np.linspace(1e-3, 2, 512)
    >>> s = 100 * np.exp(-t / 0.05) + 50 * np.exp(-t / 0.5)
    >>> data = ilt.iltload(data=s + np.random.default_rng(3).normal(size=t.size), t=t)
    >>> data.init(np.logspace(-4, 1, 80), ilt.Exponential())
    >>> data.invert(verbose=0)
    >>> diagnosis = ilt.diagnose(data)
    >>> diagnosis.ok, round(diagnosis.residual_sd, 2)
    (True, 1.0)
    >>> print(diagnosis)  # doctest: +ELLIPSIS
    check               value                                       verdict
    residual sd         1.00 noise units                            ok
    ...
    """

    residual_sd: float
    lag1: float
    lag1_p: float
    runs_p: float
    edge_share: tuple
    iterations: int
    converged: bool
    last_change: float
    negative_share: float
    edf: float | None
    checks: tuple

    @property
    def ok(self):
        """True when no check warns (a skipped check does not count against it)."""
        return all(check.verdict != WARNING for check in self.checks)

    @property
    def warnings(self):
        """The checks that warn."""
        return [check for check in self.checks if check.verdict == WARNING]

    def __str__(self):
        rows = [f"{'check':<20}{'value':<44}verdict"]
        rows += [f"{c.name:<20}{c.value:<44}{c.verdict}" for c in self.checks]
        rows += [f"  {c.name}: {c.advice}" for c in self.checks if c.verdict != OK]
        return "\n".join(rows)


def _two_sided_p(z):
    """Two-sided p-value of a standard normal statistic ``|z|`` (erfc: no scipy.stats, 0.4 s to import)."""
    return float(math.erfc(z / math.sqrt(2)))


def _lag1(residuals):
    """Lag-1 autocorrelation along the first axis, pooled over traces, and its two-sided p-value."""
    centred = residuals - residuals.mean(axis=0)
    pairs = np.sum(centred[1:] * centred[:-1])
    r = float(pairs / np.sum(centred**2))
    n = centred[1:].size
    return r, _two_sided_p(abs(r) * np.sqrt(n))


def _runs_p(residuals):
    """Two-sided p-value of the Wald-Wolfowitz runs test of the signs about each trace's median."""
    above = residuals > np.median(residuals, axis=0)
    runs = np.sum(above[1:] != above[:-1], axis=0) + 1
    n1 = above.sum(axis=0).astype(float)
    n2 = above.shape[0] - n1
    n = n1 + n2
    mean = 2 * n1 * n2 / n + 1
    var = (mean - 1) * (mean - 2) / (n - 1)
    if var.sum() <= 0:  # every residual on one side: no runs to count
        return 0.0
    z = (runs.sum() - mean.sum()) / np.sqrt(var.sum())
    return _two_sided_p(abs(z))


def _distribution(iltdata):
    """``g`` without the baseline unknown that ``sb`` appends, shaped like the tau grids."""
    g = np.asarray(iltdata.g, dtype=float)
    if g.ndim == 1 and np.any(iltdata.sb):
        g = g[:-1]
    return g


def _edge_share(g, kernels):
    """The largest share of ``|g|`` on the first and on the last points of any inverted axis."""
    magnitude = np.abs(g)
    total = magnitude.sum()
    first = last = 0.0
    for axis, kernel in enumerate(kernels):
        if isinstance(kernel, Identity) or total == 0:
            continue
        profile = magnitude.sum(axis=tuple(a for a in range(g.ndim) if a != axis))
        k = max(EDGE_MIN_POINTS, int(np.ceil(EDGE_SHARE_OF_POINTS * profile.size)))
        first = max(first, profile[:k].sum() / total)
        last = max(last, profile[-k:].sum() / total)
    return float(first), float(last)


def _edf(iltdata):
    """``trace((W + Γ)⁻¹ W)``, or None where it is not cheap (large, or no W for this alt_g)."""
    if int(np.prod(np.atleast_1d(iltdata.Nxtot))) > MAX_EDF_UNKNOWNS:
        return None
    try:
        W = iltdata.W
    except AttributeError:
        return None
    W = W.toarray() if is_sparse(W) else np.asarray(W)
    gamma = iltdata.Gamma2
    gamma = gamma.toarray() if is_sparse(gamma) else np.asarray(gamma)
    # ill-conditioned by design (Γ is tiny where g is smooth); the trace is still well defined
    return float(np.trace(np.linalg.solve(W + gamma, W)))


def _noise_advice(sd, data, t):
    """What to change when the residuals are not at unit noise, with the data's own noise level."""
    try:
        noise = estimate_noise(data, t)
        measured = f" (estimate_noise: {noise.sigma:.3g} by {noise.method})"
    except ValueError:
        measured = ""
    if sd > RESIDUAL_SD_RANGE[1]:
        return (
            f"residuals {sd:.2g}x the unit noise the regularisation assumes: divide the data by their noise "
            f"level{measured}, e.g. with scale_to_unit_noise; or the model misses signal (a baseline: sb=True; "
            "the kernel; the tau range)"
        )
    return (
        f"residuals only {sd:.2g}x unit noise: the data's noise is smaller than 1, so g is over-smoothed; "
        f"divide the data by their noise level{measured}, e.g. with scale_to_unit_noise"
    )


def _checks(d, iltdata, noise_units):
    """The verdicts of a :class:`Diagnosis`'s numbers, each with what to change."""
    low, high = RESIDUAL_SD_RANGE
    sd_ok = low <= d.residual_sd <= high
    white = min(d.lag1_p, d.runs_p) >= WHITENESS_P or abs(d.lag1) < WHITENESS_LAG1
    edge_ok = max(d.edge_share) <= EDGE_WARNING
    settled = d.converged or d.last_change <= SETTLED_CHANGE
    lobes = not np.any(iltdata.nn) and d.negative_share > NEGATIVE_WARNING
    n_data = np.asarray(iltdata.data).size
    edf_verdict = SKIPPED if d.edf is None else (WARNING if d.edf > n_data / 2 else OK)
    stop = f"converged at iteration {d.iterations}" if d.converged else f"maxloop {iltdata.maxloop} reached"
    return (
        Check("residual sd", f"{d.residual_sd:.2f} noise units", OK if sd_ok else WARNING,
              "" if sd_ok else _noise_advice(d.residual_sd, np.asarray(iltdata.data) / noise_units, iltdata.t[0])),
        Check("whiteness", f"lag-1 {d.lag1:+.2f} (p {d.lag1_p:.1g}), runs p {d.runs_p:.1g}",
              OK if white else WARNING,
              "" if white else "structure left in the residuals: signal the model misses (sb=True for an offset, "
              "kernel, tau range) or correlated noise (estimate the noise from the tail: estimate_noise)"),
        Check("tau range", f"{d.edge_share[0]:.1%} first, {d.edge_share[1]:.1%} last", OK if edge_ok else WARNING,
              "" if edge_ok else "the distribution reaches the end of the tau grid: widen it by a decade or more "
              "on that side (the grid should extend past the shortest and longest time sampled)"),
        Check("convergence", f"{stop}, g changing {d.last_change:.1%}", OK if settled else WARNING,
              "" if settled else f"g still changes by {d.last_change:.1%} per iteration: raise maxloop "
              f"(parameters={{'maxloop': {4 * iltdata.maxloop}}})"),
        Check("negative lobes", "nn=True" if np.any(iltdata.nn) else f"{d.negative_share:.1%} of |g| below 0",
              WARNING if lobes else OK,
              "negative amplitudes: if the distribution cannot be negative, set nn=True; lobes beside peaks also "
              "come from data not at unit noise" if lobes else ""),
        Check("degrees of freedom", "-" if d.edf is None else f"{d.edf:.1f} of {n_data} points", edf_verdict,
              {SKIPPED: f"not computed above {MAX_EDF_UNKNOWNS} unknowns or without W (alt_g 0)",
               WARNING: "g follows the noise (little regularisation): check the noise scale", OK: ""}[edf_verdict]),
    )


def diagnose(iltdata, noise=1.0):
    """Check an inverted :class:`~fastilt.IltData`: residuals, tau range, convergence, lobes, degrees of freedom.

    Parameters
    ----------
    iltdata : IltData
        After :meth:`~fastilt.IltData.invert`.
    noise : float or NoiseEstimate, default 1.0
        The noise standard deviation of ``iltdata.data``: 1 for data scaled to
        unit noise (ILTpy's convention).  Where ``init`` was given ``sigma``,
        the residuals are divided by it instead.

    Returns
    -------
    Diagnosis
        The numbers, one :class:`Check` per check (verdict ``"ok"``,
        ``"warning"`` or ``"skipped"``, and what to change) and a table as ``str``.

    Examples
    --------
    Data ten times above unit noise: the residuals say so, and what to do.

    >>> import numpy as np
    >>> import fastilt as ilt
    >>> t = np.linspace(1e-3, 2, 512)
    >>> s = 100 * np.exp(-t / 0.05) + 50 * np.exp(-t / 0.5)
    >>> data = ilt.iltload(data=s + np.random.default_rng(3).normal(0, 10, t.size), t=t)
    >>> data.init(np.logspace(-4, 1, 80), ilt.Exponential())
    >>> data.invert(verbose=0)
    >>> diagnosis = ilt.diagnose(data)
    >>> [check.name for check in diagnosis.warnings][:1]
    ['residual sd']
    >>> print(diagnosis.warnings[0].advice)  # doctest: +ELLIPSIS
    residuals 9.8x the unit noise ...: divide the data by their noise level (estimate_noise: ... by tail), ...
    """
    if not getattr(iltdata, "inverted", False):
        raise ValueError("diagnose needs an inverted IltData: call invert() first")
    noise_units = float(getattr(noise, "sigma", noise))
    sigma = getattr(iltdata, "sigma", None)
    weights = np.asarray(sigma, dtype=float) if sigma is not None and np.size(sigma) > 1 else noise_units
    residuals = _traces(np.asarray(iltdata.residuals, dtype=float) / weights)
    g = _distribution(iltdata)
    magnitude = np.abs(g).sum()
    done = [c for c in iltdata.convergence if c is not None]
    lag1, lag1_p = _lag1(residuals)
    numbers = dict(
        residual_sd=float(np.sqrt(np.mean(residuals**2))),
        lag1=lag1,
        lag1_p=lag1_p,
        runs_p=_runs_p(residuals),
        edge_share=_edge_share(g, iltdata.kernel),
        iterations=len(done),
        converged=len(done) < iltdata.maxloop or (bool(done) and done[-1] < iltdata.conv_limit),
        last_change=float(np.median(done[-5:])) if done else float("nan"),
        negative_share=float(np.abs(g[g < 0]).sum() / magnitude) if magnitude else 0.0,
        edf=_edf(iltdata),
    )
    partial = Diagnosis(**numbers, checks=())
    return Diagnosis(**numbers, checks=_checks(partial, iltdata, noise_units))
