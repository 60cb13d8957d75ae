"""Uncertainty of an inversion by re-inverting its fit with added noise (``iltstats``).

The fit of an inverted :class:`~fastilt.IltData` is taken as the noise-free
signal.  ``n`` synthetic data sets ``fit + noise`` (unit-variance Gaussian noise,
the noise level the inversion assumes) are inverted with the same kernels, tau
grids and fit settings.  The spread of the ``n`` distributions estimates the
uncertainty of ``g``.

The samples differ only in their data: with the compiled backend they are one
batch, inverted as :func:`fastilt.invert_many` inverts its items
(``fastilt/batch/stack.py``).  The solver's plan, the low-rank basis and the
sparse factor's ordering are built once, and the samples run on ``n_jobs`` C++
threads, one sample per thread.  A solver of the caller's, the NumPy backend,
or a joblib backend chosen with
``joblib.parallel_config`` (e.g. ``"dask"``, to run on a cluster) take joblib's
way instead: one ``invert`` per sample in joblib's workers.  Both give every
sample what its own ``invert`` gives.

With ``sigma`` (a weighted fit) the noise is still of unit variance, as in
ILTpy.  Following ILTpy 1.0, every re-inversion keeps the weights ``1/sigma``
(and ``g_guess``, ``dim_ndim``): ILTpy 1.0 re-initialises the same object.
Following ILTpy 1.1, each sample is what a fresh
``init(tau, kernel, parameters)`` of it gives, as ILTpy 1.1 does: the
arguments ``sigma``, ``g_guess`` and ``dim_ndim`` and the settings of earlier
``init`` calls are not passed on (a warning says so where ``sigma`` was
given).  For noise at the level of ``sigma``, scale data and ``sigma`` so
that the noise has unit variance (what ILTpy and fastilt assume anyway).

The noise is drawn exactly as the ILTpy release followed
(:func:`fastilt.iltpy_version`) draws it (:func:`draw_noise`): ILTpy 1.1 from
``numpy.random.default_rng(random_seed)``, ILTpy 1.0 from NumPy's global random
state after ``np.random.seed(random_seed)``; a given seed gives the same noise
samples as that release.
"""

import numbers
import warnings

import numpy as np

from . import validation as check
from ._logging import get_logger
from .backends import select_backend
from .compat import iltpy_version
from .guards.memory import require

__all__ = ["iltstats", "draw_noise", "summarise_samples", "STATISTICS_KEYS"]

logger = get_logger("statistics")

#: Keys of ``IltData.statistics`` (the same as ILTpy's).
STATISTICS_KEYS = (
    "g_list",
    "fit_list",
    "residuals_list",
    "noise_samples",
    "data_samples",
    "g_mean",
    "fit_mean",
    "residuals_mean",
    "g_std",
    "fit_std",
    "residuals_std",
    "g_conf_interval",
    "fit_conf_interval",
)



def _check_n(n):
    if n is None:
        return 10
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"n (the number of noise samples) must be an integer, got {type(n).__name__}")
    if n < 2:
        raise ValueError(f"Number of samples, n, must be >= 2, got {n}.")
    return int(n)


def _check_n_jobs(n_jobs, n):
    """joblib's ``n_jobs`` (None, or a non-zero integer; -1 all cores), at most one worker per sample."""
    if n_jobs is None:
        return None
    n_jobs = check.check_int(n_jobs, "n_jobs", minimum=check.INT32_MIN)
    if n_jobs == 0:
        raise ValueError("n_jobs must not be 0: give the number of workers, or -1 for all cores")
    return min(n_jobs, n)


def draw_noise(shape, n, random_seed):
    """``n`` unit-variance Gaussian noise arrays of ``shape``, drawn as the ILTpy release followed draws them.

    ILTpy 1.1: one ``numpy.random.default_rng(random_seed)``, one
    ``standard_normal`` draw per sample in order; ILTpy 1.0: NumPy's global
    random state, seeded with ``random_seed`` when one is given (see
    :func:`fastilt.iltpy_version`).

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt
    >>> from fastilt.statistics import draw_noise
    >>> previous = fastilt.set_iltpy_version("1.1.0")
    >>> noise = draw_noise((3,), 2, random_seed=7)
    >>> rng = np.random.default_rng(7)
    >>> print(all(np.array_equal(a, rng.standard_normal(3)) for a in noise))
    True
    >>> _ = fastilt.set_iltpy_version(previous)
    """
    if iltpy_version() == "1.0.0":
        if random_seed is not None:
            np.random.seed(random_seed)
        return [np.random.randn(*shape) for _ in range(n)]
    rng = np.random.default_rng(random_seed)
    return [rng.standard_normal(shape) for _ in range(n)]


def _sample_template(iltdata):
    """The initialised object whose ``with_data(sample)`` each sample is, as the release followed has it.

    ILTpy 1.0 re-initialises the inverted object itself, keeping every
    setting; ILTpy 1.1 makes a fresh object from the data-dict template and
    calls ``init(tau, kernel, parameters=<the last init's parameters>)``.  One
    such init serves all samples: ``with_data`` of it equals a fresh init of each.
    """
    if iltpy_version() == "1.0.0":
        return iltdata
    if iltdata.sigma is not None:
        warnings.warn(
            "iltstats follows ILTpy 1.1.0, which re-inverts each sample with a fresh init(tau, kernel, parameters): "
            "without sigma, so unweighted; fastilt.set_iltpy_version('1.0.0') keeps the weights",
            UserWarning,
            stacklevel=3,
        )
    fresh = type(iltdata)({**iltdata._data_dict_template, "data": np.asarray(iltdata.fit)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # init's advice was given to the original's init
        fresh.init(iltdata.tau, iltdata.kernel, parameters=iltdata.user_parameters)
    return fresh


def _as_batch(solver, backend):
    """Whether the samples run as one compiled batch (see the module notes), not through joblib."""
    from joblib.parallel import BACKENDS, get_active_backend

    active, _ = get_active_backend()
    return solver is None and backend == "compiled" and isinstance(active, BACKENDS["loky"])


def _invert_batch(template, data_samples, n_jobs, verbose):
    """``(g, fit, residuals)`` of each sample, inverted as one batch of the compiled core."""
    from .batch.items import INVERTED, resolve_threads
    from .batch.stack import invert_stack

    stack = np.asarray(data_samples)
    threads = resolve_threads(1 if n_jobs is None else n_jobs, len(data_samples))  # None: joblib's one worker
    status = np.full(len(data_samples), INVERTED, dtype=np.int8)
    result = invert_stack(template, stack, status, threads, verbose, "compiled")
    return list(zip(result.g, result.fit, result.residuals))


def _invert_sample(item, solver, backend):
    """Invert one synthetic data set (``IltData.with_data`` of it); module level so that loky can pickle it."""
    item.invert(solver=solver, verbose=0, backend=backend)
    return item.g, item.fit, item.residuals


def summarise_samples(statistics):
    """Add means, (population) standard deviations and mean ∓ std intervals in place.

    Parameters
    ----------
    statistics : dict
        Holds ``g_list``, ``fit_list`` and ``residuals_list`` (sequences of
        arrays of one shape each).

    Returns
    -------
    dict
        ``statistics`` itself, with ILTpy's ``*_mean``, ``*_std`` and
        ``g_conf_interval``/``fit_conf_interval`` keys added.

    Examples
    --------
    >>> import numpy as np
    >>> from fastilt.statistics import summarise_samples
    >>> samples = {"g_list": [np.array([1.0, 2.0]), np.array([3.0, 2.0])],
    ...            "fit_list": [np.zeros(3)] * 2, "residuals_list": [np.ones(3)] * 2}
    >>> summary = summarise_samples(samples)
    >>> summary["g_mean"], summary["g_std"]
    (array([2., 2.]), array([1., 0.]))
    >>> summary["g_conf_interval"]
    [array([1., 2.]), array([3., 2.])]
    """
    for name in ("g", "fit", "residuals"):
        stack = np.asarray(statistics[f"{name}_list"], dtype=float)
        statistics[f"{name}_mean"] = stack.mean(axis=0)
        statistics[f"{name}_std"] = stack.std(axis=0)
    for name in ("g", "fit"):
        mean, std = statistics[f"{name}_mean"], statistics[f"{name}_std"]
        statistics[f"{name}_conf_interval"] = [mean - std, mean + std]
    return statistics


def iltstats(iltdata, n=10, solver=None, n_jobs=-1, verbose=1, random_seed=None):
    """Estimate the uncertainty of ``iltdata.g`` from ``n`` noisy re-inversions.

    Parameters
    ----------
    iltdata : IltData
        An inverted data set (``IltData.invert`` has run).
    n : int, default 10
        Number of noise samples, at least 2 (``None`` means 10).
    solver : callable or str, optional
        Passed to ``invert(solver=...)`` of every re-inversion (which re-uses
        the ``backend`` of the original inversion where ``invert`` has one).
    n_jobs : int, default -1
        Samples inverted at once (joblib's convention: -1 all cores, None or 1
        one at a time): threads of the compiled batch, or joblib workers (all
        workers of a Dask cluster for -1) where joblib runs the samples (see the
        module notes).  ``with joblib.parallel_config(backend="dask"):`` runs
        the re-inversions on the active ``distributed`` client.
    verbose : int, default 1
        ``> 0``: a progress bar over the samples (joblib's verbosity where
        joblib runs them).
    random_seed : int, optional
        Seed of the noise (see :func:`draw_noise`); the same seed gives the
        same noise as ``iltstats`` of the ILTpy release followed.

    Returns
    -------
    dict
        Also stored as ``iltdata.statistics``: ``g_list``, ``fit_list``,
        ``residuals_list``, ``noise_samples``, ``data_samples`` (lists of n
        arrays), ``g_mean``, ``fit_mean``, ``residuals_mean``, ``g_std``,
        ``fit_std``, ``residuals_std`` (population std over the samples) and
        ``g_conf_interval``, ``fit_conf_interval`` (``[mean - std, mean + std]``).

    Notes
    -----
    The data samples are ``fit + noise_samples[i]`` (unit-variance noise) as in
    ILTpy, also with ``sigma``: the re-inversions keep the weights ``1/sigma``
    but the noise added is not scaled by it (see the module notes).

    Raises
    ------
    RuntimeError
        ``iltdata`` has not been inverted.
    ValueError
        ``n < 2``; ``n_jobs`` 0 or beyond a 32-bit integer; ``random_seed``
        outside ``[0, 2**32 - 1]``.
    TypeError
        ``n``, ``n_jobs``, ``verbose`` or ``random_seed`` is not an integer.
    MemoryError
        The ``n`` samples and results would not fit in memory (checked before
        any noise is drawn).

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt as ilt
    >>> t = np.linspace(0.001, 1, 200)
    >>> noise = np.random.default_rng(0).normal(size=t.size)
    >>> data = ilt.iltload(data=100 * np.exp(-t / 0.05) + noise, t=t)
    >>> data.init(np.logspace(-3, 1, 50), ilt.Exponential())
    >>> data.invert(verbose=0)
    >>> from fastilt.statistics import iltstats
    >>> stats = iltstats(data, n=4, n_jobs=1, verbose=0, random_seed=1)
    >>> stats is data.statistics, len(stats["data_samples"]), stats["fit_std"].shape
    (True, 4, (200,))

    The same seed gives the same noise, hence the same statistics:

    >>> again = iltstats(data, n=4, n_jobs=1, verbose=0, random_seed=1)
    >>> print(np.allclose(again["g_mean"], stats["g_mean"]))
    True
    """
    if not getattr(iltdata, "inverted", False):
        raise RuntimeError("IltData must be inverted at least once before computing statistics.")
    n = _check_n(n)
    n_jobs = _check_n_jobs(n_jobs, n)
    verbose = check.check_verbose(verbose)
    if random_seed is not None:
        check.check_int(random_seed, "random_seed", minimum=0, maximum=2**32 - 1)  # np.random.seed's range
    if solver is not None and not (callable(solver) or isinstance(solver, str)):
        raise TypeError(
            f"solver must be None, a solver name or a callable solver(A, b), got {type(solver).__name__}"
        )

    fit = np.asarray(iltdata.fit, dtype=float)
    sample, result = 8 * fit.size, 8 * (np.size(iltdata.g) + 2 * fit.size)
    require(
        {"the noise and data samples": 2 * n * sample, "the n results and their summaries": 2 * n * result},
        f"iltstats with n = {n}",
        "use fewer samples n",
    )

    noise_samples = draw_noise(fit.shape, n, random_seed)
    data_samples = [fit + noise for noise in noise_samples]
    # Each sample is what an init of it gives (with the settings the release followed
    # passes on): the kernels, compression and W are shared, only the data side is formed anew.
    template = _sample_template(iltdata)
    backend = select_backend(getattr(iltdata, "backend", "auto"))  # re-invert the way the original was inverted

    logger.debug("iltstats: %d re-inversions of data with shape %s, n_jobs=%s", n, fit.shape, n_jobs)
    if _as_batch(solver, backend):
        results = _invert_batch(template, data_samples, n_jobs, verbose)
    else:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=n_jobs, verbose=verbose)(
            delayed(_invert_sample)(template.with_data(sample), solver, backend)
            for sample in data_samples
        )

    statistics = {
        "g_list": [np.asarray(g) for g, _, _ in results],
        "fit_list": [np.asarray(f) for _, f, _ in results],
        "residuals_list": [np.asarray(r) for _, _, r in results],
        "noise_samples": noise_samples,
        "data_samples": data_samples,
    }
    summarise_samples(statistics)
    iltdata.statistics = statistics
    return statistics
