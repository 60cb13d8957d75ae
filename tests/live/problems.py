"""One inversion call, described as data: written by the tests, run by ILTpy and by fastilt alike.

A problem is a dict: ``data``, ``t`` and ``tau`` (lists of arrays; one
element means the call passes the array itself, as the reference cases do),
``kernels`` (built-in names, or ``{"name", "source"}`` for a user kernel from a
lambda's text), ``params``, optionally ``sigma``, ``dim_ndim`` and
``stats`` (``{"n", "seed"}``: ``iltstats`` after ``invert``).  :func:`run`
makes the call with whichever library module it is given (``iltpy`` or
``fastilt``), so both sides execute the same code.  NumPy and the standard
library only: the ILTpy worker imports this file in an environment without fastilt.
"""

import json
import warnings

import numpy as np

BUILTIN = {
    "exponential": "Exponential",
    "diffusion": "Diffusion",
    "gaussian": "Gaussian",
    "real_rc": "RealRcKernel",
    "imag_rc": "ImagRcKernel",
    "identity": "Identity",
}


def save(path, problem):
    arrays = {"data": problem["data"]}
    arrays.update({f"t{i}": t for i, t in enumerate(problem["t"])})
    arrays.update({f"tau{i}": tau for i, tau in enumerate(problem["tau"])})
    arrays.update({key: problem[key] for key in ("sigma", "dim_ndim") if problem.get(key) is not None})
    spec = {key: problem.get(key) for key in ("kernels", "params", "stats")}
    np.savez(path, spec=json.dumps(spec), **arrays)


def load(path):
    with np.load(path) as stored:
        problem = json.loads(str(stored["spec"]))
        problem["data"] = stored["data"]
        problem["t"] = [stored[f"t{i}"] for i in range(3) if f"t{i}" in stored.files]
        problem["tau"] = [stored[f"tau{i}"] for i in range(3) if f"tau{i}" in stored.files]
        for key in ("sigma", "dim_ndim"):
            problem[key] = stored[key] if key in stored.files else None
    return problem


def _kernel(ilt, spec):
    if isinstance(spec, str):
        return getattr(ilt, BUILTIN[spec])()
    function = eval(spec["source"], {"np": np})  # the test's own lambda text
    if hasattr(ilt, "iltkernel"):  # ILTpy 1.1 (and fastilt)
        return ilt.iltkernel(spec["name"], function, spec["source"])()

    class UserKernel(ilt.IltKernel):  # ILTpy 1.0: attributes set in __init__
        def __init__(self):
            self.name = spec["name"]
            self.kernel = function
            self.kernel_str = spec["source"]

    return UserKernel()


def _single(values):
    return values[0] if len(values) == 1 else values


def run(ilt, problem):
    """Invert ``problem`` with the library module ``ilt``; the results as a dict of arrays."""
    kernels = [_kernel(ilt, spec) for spec in problem["kernels"]]
    extra = {key: problem[key] for key in ("sigma", "dim_ndim") if problem.get(key) is not None}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the alt_g advice and base_tau notes, given alike on both sides
        data = ilt.iltload(data=problem["data"], t=_single(problem["t"]))
        data.init(_single(problem["tau"]), _single(kernels), parameters=problem["params"] or None, **extra)
        data.invert(verbose=0)
        result = {
            "g": np.asarray(data.g, dtype=float),
            "fit": np.asarray(data.fit, dtype=float),
            "residuals": np.asarray(data.residuals, dtype=float),
            "iterations": np.asarray(sum(c is not None for c in data.convergence)),
        }
        if problem.get("stats"):
            data.iltstats(n=problem["stats"]["n"], n_jobs=1, verbose=0, random_seed=problem["stats"]["seed"])
            statistics = data.statistics  # ILTpy's iltstats returns None
            for key in ("g_list", "g_mean", "g_std", "fit_mean", "fit_std", "residuals_mean", "residuals_std"):
                result[f"statistics.{key}"] = np.asarray(statistics[key], dtype=float)
    return result
