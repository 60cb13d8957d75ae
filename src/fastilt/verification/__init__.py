"""The ILTpy 1.0.0 reference cases shipped with fastilt, and the check that an installation reproduces them.

``reference/`` holds, per case, the data, sampling and tau vectors, and ILTpy's
``g``, ``fit``, ``residuals`` and convergence history (``<name>.npz``), plus
``manifest.json`` (kernels, parameters, iteration count of each call).
:func:`verify` inverts every case with the requested backends and compares the
results to ILTpy's to :data:`TOLERANCE` (relative 2-norm), with the same number
of iterations.  ``fastilt verify`` runs it from the command line; the test suite
reuses the same set-up.
"""

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import kernels
from ..loading import iltload

__all__ = ["CASES", "TOLERANCE", "CaseResult", "fallback_is_cheap", "initialised_case", "inverted_case",
           "reference", "reference_iterations", "relative_error", "verify"]

REFERENCE = Path(__file__).parent / "reference"
MANIFEST = json.loads((REFERENCE / "manifest.json").read_text())
#: the 20 cases by name: each a dict of ``kernels``, ``kernel_source``, ``params`` (the ``init`` call), ...
CASES = {case["name"]: case for case in MANIFEST["cases"]}
#: relative 2-norm difference allowed between fastilt's and ILTpy's g, fit and residuals
TOLERANCE = 1e-6
#: A case's NumPy fallback counts as cheap when ILTpy itself inverted it within this many
#: seconds (``reference_invert_seconds`` in the manifest): the fallback makes ILTpy's own
#: linear solves, so its time follows ILTpy's.  The alt_g 4/6 data-space cases took ILTpy
#: 49 and 132 s; the fallback takes 28-33 s on them.
CHEAP_FALLBACK_SECONDS = 1.0

_BUILTIN = {
    "exponential": kernels.Exponential,
    "diffusion": kernels.Diffusion,
    "gaussian": kernels.Gaussian,
    "real_rc": kernels.RealRcKernel,
    "imag_rc": kernels.ImagRcKernel,
}


def _kernel(name, source):
    if name in _BUILTIN:
        return _BUILTIN[name]()

    class UserKernel(kernels.IltKernel):
        def __init__(self):
            self.name = name
            self.kernel = eval(source, {"np": np})  # the manifest's own lambda text (shipped data)
            self.kernel_str = source

    return UserKernel()


def reference(name):
    """The stored arrays of case ``name``: its input and ILTpy's results.

    Parameters
    ----------
    name : str
        A key of :data:`CASES`.

    Returns
    -------
    numpy.lib.npyio.NpzFile
        ``data``, ``t0`` (``t1``, ...), ``tau0`` (``tau1``, ...), ILTpy's
        ``g``, ``fit``, ``residuals`` and ``convergence`` (NaN after the last
        iteration), and ``sigma``/``dim_ndim`` where the case uses them.

    Examples
    --------
    >>> from fastilt.verification import CASES, reference, reference_iterations
    >>> len(CASES), "1d_exponential_default" in CASES
    (20, True)
    >>> ref = reference("1d_exponential_default")
    >>> ref["data"].shape == ref["fit"].shape, ref["g"].shape == ref["tau0"].shape
    (True, True)
    >>> reference_iterations(ref)
    100
    """
    return np.load(REFERENCE / f"{name}.npz")


def reference_iterations(ref):
    """The number of iterations ILTpy ran for a case (the :func:`reference` arrays ``ref``).

    Examples
    --------
    >>> from fastilt.verification import reference, reference_iterations
    >>> reference_iterations(reference("1d_exponential_params"))    # maxloop=60
    60
    """
    return int(np.count_nonzero(~np.isnan(ref["convergence"])))


def initialised_case(name):
    """An IltData set up exactly as ILTpy's reference call of case ``name`` (not inverted).

    The kernels, tau grids, parameters (and ``sigma``/``dim_ndim``) are those
    of the call recorded in ``manifest.json``; ``init`` may give ILTpy's
    ``UserWarning`` advice (``alt_g``) where the reference call got it.

    Examples
    --------
    >>> from fastilt.verification import CASES, initialised_case
    >>> CASES["1d_exponential_nn"]["params"]
    {'nn': True}
    >>> data = initialised_case("1d_exponential_nn")
    >>> data.initialized, data.inverted, data.nn
    (True, False, True)
    """
    case = CASES[name]
    ref = reference(name)
    t = [ref[f"t{i}"] for i in range(3) if f"t{i}" in ref.files]
    tau = [ref[f"tau{i}"] for i in range(3) if f"tau{i}" in ref.files]
    case_kernels = [_kernel(k, case["kernel_source"].get(k)) for k in case["kernels"]]
    data = iltload(data=ref["data"], t=t if len(t) > 1 else t[0])
    extra = {key: ref[key] for key in ("sigma", "dim_ndim") if key in ref.files}
    data.init(
        tau if len(tau) > 1 else tau[0],
        case_kernels if len(case_kernels) > 1 else case_kernels[0],
        parameters=case["params"] or None,
        **extra,
    )
    return data


def relative_error(actual, expected):
    """``||actual - expected|| / ||expected||`` (2-norms over all elements), compared to :data:`TOLERANCE`.

    Examples
    --------
    >>> import numpy as np
    >>> from fastilt.verification import TOLERANCE, relative_error
    >>> expected = np.array([3.0, 4.0])
    >>> print(relative_error(expected + [0, 5e-7], expected) <= TOLERANCE)
    True
    """
    return np.linalg.norm(np.asarray(actual) - expected) / np.linalg.norm(expected)


def inverted_case(name, maxloop=None, **invert_options):
    """Reference case ``name`` inverted (optionally with fewer iterations, other settings kept).

    Parameters
    ----------
    name : str
        A key of :data:`CASES`.
    maxloop : int, optional
        Iterations instead of the case's own number.
    **invert_options
        Passed to :meth:`IltData.invert <fastilt.IltData.invert>` (``backend``,
        ``solver``); ``verbose`` is 0.

    Examples
    --------
    >>> from fastilt.verification import inverted_case, reference, relative_error
    >>> data = inverted_case("1d_exponential_default", backend="python")
    >>> print(relative_error(data.g, reference("1d_exponential_default")["g"]) < 1e-6)
    True
    >>> short = inverted_case("1d_exponential_default", maxloop=5, backend="python")
    >>> sum(c is not None for c in short.convergence)
    5
    """
    data = initialised_case(name)
    if maxloop is not None:
        data.init(parameters={"maxloop": maxloop})
    data.invert(verbose=0, **invert_options)
    return data


@dataclass(frozen=True)
class CaseResult:
    """One case through one backend: the worst relative error and the iteration counts.

    ``error`` is the largest :func:`relative_error` of ``g``, ``fit`` and
    ``residuals``; ``seconds`` the inversion time.  :attr:`passed` when the
    error is within :data:`TOLERANCE` and the iteration counts are equal.

    Examples
    --------
    >>> from fastilt.verification import verify
    >>> [result] = verify(["python"], ["1d_gaussian"])
    >>> result.name, result.backend, result.iterations, result.reference_iterations
    ('1d_gaussian', 'python', 100, 100)
    >>> print(result.error < 1e-6, result.passed)
    True True
    """

    name: str
    backend: str
    error: float
    iterations: int
    reference_iterations: int
    seconds: float

    @property
    def passed(self):
        """``error <= TOLERANCE`` and as many iterations as ILTpy."""
        return self.error <= TOLERANCE and self.iterations == self.reference_iterations


def check_case(name, backend):
    """Invert case ``name`` with ``backend`` and compare g, fit and residuals to ILTpy's."""
    ref = reference(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # init's alt_g advice, part of the reference set-up
        data = inverted_case(name, backend=backend)
    error = max(relative_error(getattr(data, key), ref[key]) for key in ("g", "fit", "residuals"))
    iterations = sum(c is not None for c in data.convergence)
    return CaseResult(name, backend, float(error), iterations, reference_iterations(ref), data.inversion_time)


def fallback_is_cheap(name):
    """Whether the NumPy fallback inverts case ``name`` in about a second or less (:data:`CHEAP_FALLBACK_SECONDS`).

    Examples
    --------
    >>> from fastilt.verification import fallback_is_cheap
    >>> fallback_is_cheap("1d_exponential_default"), fallback_is_cheap("1d_exponential_altg6")
    (True, False)
    """
    return CASES[name]["reference_invert_seconds"] <= CHEAP_FALLBACK_SECONDS


def verify(backends=("compiled", "python"), names=None, on_result=None, full=True):
    """Invert every reference case (or ``names``) with every backend and compare to ILTpy 1.0.0.

    What ``fastilt verify`` runs.

    Parameters
    ----------
    backends : sequence of str, default ("compiled", "python")
        The backends to check; ``"compiled"`` needs the compiled core
        (:func:`fastilt.backends.compiled_available`).
    names : sequence of str, optional
        Keys of :data:`CASES` (default: all 20, sorted).
    on_result : callable, optional
        Called with each :class:`CaseResult` as soon as it is known (progress).
    full : bool, default True
        False: the ``"python"`` backend only on the cases where it is cheap
        (:func:`fallback_is_cheap`); the compiled backend runs every case
        either way.  ``fastilt verify`` runs so unless given ``--full``.

    Returns
    -------
    list of CaseResult
        One per case and backend run, in the order run.

    Examples
    --------
    >>> from fastilt.verification import verify
    >>> results = verify(["python"], ["1d_exponential_nn", "1d_diffusion"])
    >>> [(r.name, r.passed) for r in results]
    [('1d_exponential_nn', True), ('1d_diffusion', True)]
    """
    results = []
    for name in names or sorted(CASES):
        for backend in backends:
            if backend == "python" and not full and not fallback_is_cheap(name):
                continue
            result = check_case(name, backend)
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results
