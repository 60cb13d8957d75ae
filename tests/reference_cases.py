"""ILTpy 1.0.0 reference cases (tests/data, copied from shared/reference) as ready IltData objects."""

import json
from pathlib import Path

import numpy as np

import fastilt as ilt

DATA = Path(__file__).parent / "data"
MANIFEST = json.loads((DATA / "manifest.json").read_text())
CASES = {case["name"]: case for case in MANIFEST["cases"]}

_BUILTIN = {
    "exponential": ilt.Exponential,
    "diffusion": ilt.Diffusion,
    "gaussian": ilt.Gaussian,
    "real_rc": ilt.RealRcKernel,
    "imag_rc": ilt.ImagRcKernel,
}


def _kernel(name, source):
    if name in _BUILTIN:
        return _BUILTIN[name]()

    class UserKernel(ilt.IltKernel):
        def __init__(self):
            self.name = name
            self.kernel = eval(source, {"np": np})  # the manifest's own lambda text
            self.kernel_str = source

    return UserKernel()


def reference(name):
    """The stored arrays of a case (data, t*, tau*, g, fit, residuals, convergence, ...)."""
    return np.load(DATA / f"{name}.npz")


def reference_iterations(ref):
    return int(np.count_nonzero(~np.isnan(ref["convergence"])))


def initialised_case(name):
    """An IltData set up exactly as the reference call in the manifest."""
    case = CASES[name]
    ref = reference(name)
    t = [ref[f"t{i}"] for i in range(3) if f"t{i}" in ref.files]
    tau = [ref[f"tau{i}"] for i in range(3) if f"tau{i}" in ref.files]
    kernels = [_kernel(k, case["kernel_source"].get(k)) for k in case["kernels"]]
    data = ilt.iltload(data=ref["data"], t=t if len(t) > 1 else t[0])
    extra = {key: ref[key] for key in ("sigma", "dim_ndim") if key in ref.files}
    data.init(
        tau if len(tau) > 1 else tau[0],
        kernels if len(kernels) > 1 else kernels[0],
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
