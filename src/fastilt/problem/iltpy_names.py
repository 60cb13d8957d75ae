"""ILTpy's attribute names of both releases on ``IltData``, filled in this one place.

ILTpy 1.1 made fifteen attributes of 1.0 private (``inverted`` became
``_inverted``, ...).  Scripts written for either release keep working whichever
release fastilt follows (:func:`fastilt.iltpy_version`): each value is stored
once, under its 1.0 name, and the 1.1 name is a view of it (read, set and
deleted through it).  The views of values that 1.0 did not hold are derived on
access: ``_Is`` (an identity of the compressed data's size, as large as the
data squared) is formed only when read.

The ``solver_type`` values also differ between the releases; the one written
follows the release chosen (:func:`solver_type_after_invert`).
"""

import functools

import numpy as np

from ..compat import iltpy_version

__all__ = [
    "PRIVATE_IN_1_1",
    "add_iltpy_names",
    "settings_by_iltpy_names",
    "solver_type_after_init",
    "solver_type_after_invert",
]

#: ``(1.1 name, 1.0 name)`` of the attributes ILTpy 1.1 made private.
PRIVATE_IN_1_1 = (
    ("_dataset_type", "dataset_type"),
    ("_inception", "inception"),
    ("_initialized", "initialized"),
    ("_inverted", "inverted"),
    ("_user_t_spec", "user_t_spec"),
    ("_Is", "Is"),
    ("_K_sparsity", "K_sparsity"),
    ("_initialization_time", "initialization_time"),
    ("_mcomp", "mcomp"),
    ("_mcompbar", "mcompbar"),
    ("_Sigma", "Sigma"),
    ("_isigma", "isigma"),
    ("_ndim", "ndim"),
    ("_solver_type", "solver_type"),
    ("_user_parameters", "user_parameters"),
)


class _Alias:
    """Another name of the attribute ``stored`` (reading, setting and deleting go to it)."""

    def __init__(self, stored):
        self.stored = stored

    def __get__(self, obj, owner=None):
        return self if obj is None else getattr(obj, self.stored)

    def __set__(self, obj, value):
        setattr(obj, self.stored, value)

    def __delete__(self, obj):
        delattr(obj, self.stored)


def _identity_of_data(iltdata):
    """ILTpy's ``Is``: the identity of the compressed data's size (sparse with sparse kernels)."""
    size = int(iltdata.mcomp.shape[0])
    if not iltdata.sparse_kernels:
        return np.eye(size)
    from scipy.sparse import eye_array  # SciPy where it is used (solvers.py)

    return eye_array(size, format="csr")


def _data_dict_template(iltdata):
    """ILTpy 1.1's ``_data_dict_template``: what a fresh ``IltData`` for other data needs."""
    given = iltdata.data_dict
    dims = given["dims"] if isinstance(given["dims"], (list, tuple)) else [given["dims"]]
    return {
        "dataset_type": iltdata.dataset_type,
        "filepath": iltdata.filepath,
        "dims": [np.array(t, copy=True) for t in dims],
    }


def _compressed_size(iltdata):
    """ILTpy 1.1's ``_ncomp``: the length of the compressed data ``mcomp``."""
    return int(iltdata.mcomp.shape[0])


def _kernel_sparse(iltdata):
    """ILTpy 1.1's ``_is_kernel_sparse``: did ``init`` take the sparse form?"""
    return iltdata.sparse_kernels


def add_iltpy_names(cls):
    """Class decorator: the 1.1 names of :data:`PRIVATE_IN_1_1` and ILTpy's derived views on ``cls``."""
    for private, public in PRIVATE_IN_1_1:
        setattr(cls, private, _Alias(public))
    Is = functools.cached_property(_identity_of_data)
    Is.__set_name__(cls, "Is")
    cls.Is = Is
    cls._data_dict_template = property(_data_dict_template)
    cls._ncomp = property(_compressed_size)
    cls._is_kernel_sparse = property(_kernel_sparse)
    return cls


def settings_by_iltpy_names(fit_dict, configuration):
    """ILTpy's attributes of an initialised ``IltData``: every fit parameter, resolved
    (``tau``, ``sb``, ``alpha_c``, ...) where the configuration resolves it, as given
    otherwise (``maxloop``, ``alpha_00``, ...), and the sizes and grids (``Nx``, ``ndim``, ...).

    Plain attributes, as in ILTpy (a script may set ``maxloop`` before ``invert``);
    ``IltData.configuration`` and ``IltData.fit_dict`` stay as ``init`` made them.
    """
    resolved = configuration.iltpy_attributes()
    return {**{k: v for k, v in fit_dict.items() if k not in resolved}, **resolved}


def solver_type_after_init(sparse):
    """``solver_type`` after ``init`` (both releases): the kernels' form."""
    return "default-sparse" if sparse else "default-dense"


def solver_type_after_invert(alt_g, user_solver, sparse):
    """``solver_type`` after ``invert``, as the release followed writes it.

    ILTpy 1.0: ``"alt_g"``, ``"user-defined"`` or the kernels' form; 1.1:
    ``"alt_g_<alt_g>"``, ``"user-defined"`` or ``"iltpy-default"``.  What
    fastilt actually ran is ``IltData.solver``.
    """
    newer = iltpy_version() != "1.0.0"
    if alt_g != 0:
        return f"alt_g_{alt_g}" if newer else "alt_g"
    if user_solver:
        return "user-defined"
    return "iltpy-default" if newer else solver_type_after_init(sparse)
