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

__all__ = ["CASES", "TOLERANCE", "CaseResult", "initialised_case", "inverted_case", "reference",
           "reference_iterations", "relative_error", "verify"]

REFERENCE = Path(__file__).parent / "reference"
MANIFEST = json.loads((REFERENCE / "manifest.json").read_text())
CASES = {case["name"]: case for case in MANIFEST["cases"]}
#: relative 2-norm difference allowed between fastilt's and ILTpy's g, fit and residuals
TOLERANCE = 1e-6

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
    """The stored arrays of a case (data, t*, tau*, g, fit, residuals, convergence, ...)."""
    return np.load(REFERENCE / f"{name}.npz")


def reference_iterations(ref):
    return int(np.count_nonzero(~np.isnan(ref["convergence"])))


def initialised_case(name):
    """An IltData set up exactly as the reference call in the manifest."""
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
    return np.linalg.norm(np.asarray(actual) - expected) / np.linalg.norm(expected)


def inverted_case(name, maxloop=None, **invert_options):
    """A reference case inverted (optionally with fewer iterations, other settings kept)."""
    data = initialised_case(name)
    if maxloop is not None:
        data.init(parameters={"maxloop": maxloop})
    data.invert(verbose=0, **invert_options)
    return data


@dataclass(frozen=True)
class CaseResult:
    """One case through one backend: the worst relative error and the iteration counts."""

    name: str
    backend: str
    error: float
    iterations: int
    reference_iterations: int
    seconds: float

    @property
    def passed(self):
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


def verify(backends=("compiled", "python"), names=None, on_result=None):
    """Every reference case (or ``names``) through every backend; returns the :class:`CaseResult` list."""
    results = []
    for name in names or sorted(CASES):
        for backend in backends:
            result = check_case(name, backend)
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results
