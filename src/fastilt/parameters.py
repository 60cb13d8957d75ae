"""Fit parameters: ILTpy's names and defaults, user overrides and ``.param`` files."""

import copy
import difflib
import json
import os
from pathlib import Path, PurePath

import numpy as np

from .errors import ArgumentTypeError
from .kernels import IltKernel

__all__ = ["default_parameters", "merge_parameters", "read_parameter_file", "copy_settings", "ARRAY_ARGUMENTS"]

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


def default_parameters():
    """A fresh dict of every fit parameter with ILTpy 1.0.0's default value."""
    return {
        # uniform penalty: floor, slope and curvature compliance, global scale
        "alpha_0": 1e-4,
        "alpha_00": 1,
        "alpha_p": None,  # None: 5 * alpha_c
        "alpha_c": None,  # None: 2 * dQ * Ntau / Ndata
        # zero-crossing penalty
        "alpha_a": 100000,
        "alpha_d": None,  # None: 1 / alpha_a
        # boundary and non-negativity terms
        "alpha_bc": 50,
        "alpha_nn": 1000,
        # solution strategy: 0 normal equations, 2/4/6/8 data-space forms
        "alt_g": 0,
        # SVD compression of the kernels
        "compress": False,
        "use_svds": False,
        "s": 15,
        "sigma": None,
        "g_guess": None,
        # moving-maximum windows of curvature and slope
        "c_nmax": 3,
        "p_nmax": 3,
        "reg_bc": None,  # None: 2 points at each end of a log axis
        "kernel": IltKernel(),
        "base_tau": 1,  # 1: logarithmic tau axis, 0: linear
        "maxloop": 100,
        "nn": False,
        # blending of the regularisation matrix with its previous value
        "reg_down": 29,
        "reg_downrate": 0.05,
        "reg_upd": 1,
        "reg_updmin": 0.2,
        "reg_up": True,
        "sb": False,  # static baseline (1D only)
        # zero-crossing schedule
        "reg_zc": True,
        "zc_max": 1,
        "zc_down": 59,
        "zc_upd": 1,
        "zc_updmin": 0.2,
        "zc_downrate": 0.05,
        "zc_on": 4,
        "zc_nmax": 3,
        "dim_ndim": None,
        "tau": None,
        "conv_limit": 1e-6,
        "Cz": [np.array([0])],
        "store_g": False,
        "store_gamma": False,
        "force_sparse": False,
        "sparse_threshold": 0.92,
    }


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
    known = default_parameters()
    unknown = [name for name in parameters if name not in known]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(str(name), list(known), n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise KeyError(
            f"unknown parameter(s) {', '.join(hints)}; valid names are {sorted(known)}"
        )
    return {**base, **parameters}, parameters
