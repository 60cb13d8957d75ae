"""Fit parameters: ILTpy's names and defaults, user overrides and ``.param`` files."""

import copy
import difflib
import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePath

import numpy as np

from .errors import ArgumentTypeError
from .kernels import IltKernel

__all__ = [
    "PARAMETERS", "Parameter", "default_parameters", "merge_parameters", "read_parameter_file", "copy_settings",
    "ARRAY_ARGUMENTS",
]

#: Parameters given as keyword arguments of ``init`` (arrays and objects).
ARRAY_ARGUMENTS = ("kernel", "tau", "dim_ndim", "g_guess", "sigma")


# Paths too: immutable values (the ``filepath`` of array data is the working directory).
_IMMUTABLE = (int, float, complex, str, bytes, type(None), np.generic, PurePath)


def copy_settings(value):
    """A deep copy of settings: numbers, strings, lists, tuples, dicts and arrays.

    What ``copy.deepcopy`` gives, without its generic machinery for the plain
    values fit parameters are made of (a quarter of a millisecond per
    ``init``); other objects (kernels, instrument metadata) still go through it.
    """
    if isinstance(value, _IMMUTABLE):
        return value
    kind = type(value)
    if kind is dict:
        return {key: copy_settings(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return kind(copy_settings(item) for item in value)
    if kind is np.ndarray and value.dtype != object:
        return value.copy()
    return copy.deepcopy(value)


@dataclass(frozen=True)
class Parameter:
    """One fit parameter: its name (ILTpy's), default, type and meaning.

    The one definition of the parameters: :func:`default_parameters` and the
    parameter reference of the documentation are both built from
    :data:`PARAMETERS`.
    """

    name: str
    #: The default value; a zero-argument function making it where the value is
    #: mutable (``fresh``), so that every ``init`` gets a copy of its own.
    default: object
    type: str
    meaning: str
    fresh: bool = False

    def new_default(self):
        return self.default() if self.fresh else self.default


def _no_zero_crossings():
    return [np.array([0])]


_P = Parameter
#: Every fit parameter, in the order of the parameter dict, with ILTpy 1.0.0's default.  The
#: ``*_nmax`` windows, ``compress``, ``s``, ``base_tau`` and the ``alpha_*``
#: weights take one value for all axes or one per axis.
PARAMETERS = (
    # uniform penalty
    _P("alpha_0", 1e-4, "float", "floor of the uniform penalty: its weight where g is flat"),
    _P("alpha_00", 1, "float", "global scale of the regularisation matrix Γ; larger smooths more"),
    _P("alpha_p", None, "float or None", "weight of the slope in the uniform penalty; None: 5 × alpha_c"),
    _P("alpha_c", None, "float or None",
       "weight of the curvature in the uniform penalty; None: 2 ΔQ N_tau / N_data"),
    # zero-crossing penalty
    _P("alpha_a", 100000, "float", "strength of the zero-crossing penalty, through alpha_d = 1 / alpha_a"),
    _P("alpha_d", None, "float or None",
       "compliance of the zero-crossing penalty (smaller: sign changes cost more); None: 1 / alpha_a"),
    # boundary and non-negativity terms
    _P("alpha_bc", 50, "float", "weight of the boundary penalty on the reg_bc outermost tau of each axis"),
    _P("alpha_nn", 1000, "float", "weight of the penalty on negative g, with nn"),
    # solution strategy and SVD compression of the kernels
    _P("alt_g", 0, "int", "0 solves the normal equations; 2, 4, 6, 8 are ILTpy's data-space forms"),
    _P("compress", False, "bool", "replace each kernel by its s largest singular triplets (SVD)"),
    _P("use_svds", False, "bool", "truncated SVD by scipy.sparse.linalg.svds instead of a full SVD"),
    _P("s", 15, "int", "number of singular values kept by compress"),
    _P("sigma", None, "ndarray or None", "noise sd of each data point, for a weighted fit (alt_g 0 or 4)"),
    _P("g_guess", None, "ndarray or None", "starting distribution of the iteration, shape Nx"),
    # moving-maximum windows of curvature and slope
    _P("c_nmax", 3, "int", "points per direction over which the curvature's moving maximum is taken"),
    _P("p_nmax", 3, "int", "points per direction over which the slope's moving maximum is taken"),
    _P("reg_bc", None, "int or None",
       "tau points at each end of an axis under the boundary penalty; None: 2 on a log axis, 0 on a linear one"),
    _P("kernel", IltKernel, "IltKernel or list", "kernel of each dimension", fresh=True),
    _P("base_tau", 1, "int", "tau axis spacing: 1 logarithmic, 0 linear"),
    _P("maxloop", 100, "int", "most iterations"),
    _P("nn", False, "bool", "penalise negative g (a soft non-negativity constraint)"),
    # blending of the regularisation matrix with its previous value
    _P("reg_down", 29, "int", "iteration after which each Γ is blended with the previous one"),
    _P("reg_downrate", 0.05, "float", "per-iteration fall of the new Γ's weight after reg_down"),
    _P("reg_upd", 1, "float", "weight of the new Γ in the blend"),
    _P("reg_updmin", 0.2, "float", "least factor the new Γ's weight falls to"),
    _P("reg_up", True, "bool", "accepted as in ILTpy, which does not read it either"),
    _P("sb", False, "bool", "static baseline: one more unknown, a constant added to the model"),
    # zero-crossing schedule
    _P("reg_zc", True, "bool", "apply the zero-crossing penalty"),
    _P("zc_max", 1, "float", "cap of the zero-crossing penalty, relative to the uniform penalty at a point"),
    _P("zc_down", 59, "int", "iteration after which the zero-crossing update's weight falls"),
    _P("zc_upd", 1, "float", "weight of the new zero-crossing penalty in its blend with the previous one"),
    _P("zc_updmin", 0.2, "float", "least factor that weight falls to"),
    _P("zc_downrate", 0.05, "float", "per-iteration fall of that weight after zc_down"),
    _P("zc_on", 4, "int", "iteration after which the zero-crossing penalty is switched on"),
    _P("zc_nmax", 3, "int", "points per direction of the zero-crossing penalty's moving maximum"),
    _P("dim_ndim", None, "ndarray or None", "axis of a dimension regularised but not inverted (Identity)"),
    _P("tau", None, "list of ndarray or None", "tau grid of each dimension"),
    _P("conv_limit", 1e-6, "float", "stop when the relative change of g falls below it"),
    _P("Cz", _no_zero_crossings, "list of ndarray",
       "the zero-crossing state, reset by every inversion: not a setting", fresh=True),
    # what invert keeps of every iteration
    _P("store_g", False, "bool", "keep g of every iteration"),
    _P("store_gamma", False, "bool", "keep Γ of every iteration"),
    # sparse matrices
    _P("force_sparse", False, "bool", "sparse matrices whatever the kernel's share of zeros"),
    _P("sparse_threshold", 0.92, "float", "share of zeros in the kernel from which it is held sparse"),
)
del _P
_NAMES = frozenset(parameter.name for parameter in PARAMETERS)


def default_parameters():
    """A fresh dict of every fit parameter with ILTpy 1.0.0's default value."""
    return {parameter.name: parameter.new_default() for parameter in PARAMETERS}


def read_parameter_file(path):
    """Read a JSON ``.param`` file written by :meth:`IltData.report` (or by ILTpy)."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"parameter file {path} is a folder; give the path of a .param file")
    if not path.is_file():
        raise FileNotFoundError(f"parameter file not found: {path}")
    with path.open("r", encoding="utf-8") as handle:
        try:
            parameters = json.load(handle)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path} is not a valid JSON parameter file: {err}") from None
        except UnicodeDecodeError as err:
            raise ValueError(f"{path} is not a text (JSON) parameter file: {err}") from None
    if not isinstance(parameters, dict):
        raise ValueError(f"{path} must hold a JSON object of parameter names and values")
    return parameters


def merge_parameters(base, parameters):
    """Return ``base`` updated by the user's ``parameters`` (dict or file path), as a new dict.

    The values are not copied (``init`` copies the settings it keeps, once,
    after validating them).  Unknown names raise ``KeyError`` before anything
    is changed.
    """
    if parameters is None:
        return dict(base), None
    if not isinstance(parameters, dict):  # asked first: os.PathLike is an ABC, slow to ask
        if not isinstance(parameters, (str, os.PathLike)):
            raise ArgumentTypeError(
                "parameters must be a dict or the path of a parameter file, "
                f"got {type(parameters).__name__}"
            )
        parameters = read_parameter_file(parameters)
    unknown = [name for name in parameters if name not in _NAMES]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(str(name), [p.name for p in PARAMETERS], n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise KeyError(
            f"unknown parameter(s) {', '.join(hints)}; valid names are {sorted(_NAMES)}"
        )
    return {**base, **parameters}, parameters
