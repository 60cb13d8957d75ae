"""The regularisation problem as plain arrays: what both backends consume.

:class:`PenaltyModel` holds the grid, the directions with their compliance
parameters and windows, the boundary term and the update schedule.  The
NumPy fallback (:mod:`fastilt.fallback`) and the compiled core read the same
object, so the two can be compared step by step.
"""

import functools
import math
from dataclasses import dataclass

import numpy as np

from .directions import gamma_stencil

__all__ = ["PenaltyModel", "boundary_penalty", "blend_ratio"]


def blend_ratio(iteration, start, rate, floor, scale):
    """Weight of the newly built term after ``start``: ``scale * max((1 - rate)^(i - start), floor)``."""
    if iteration > start:
        return scale * max((1 - rate) ** (iteration - start), floor)
    return scale


def boundary_penalty(shape, box, reg_bc, alpha_bc):
    """Diagonal of ``Vbc``: ``alpha_bc`` on the first and last ``reg_bc`` tau of each axis, summed."""
    ndim = len(box)
    vbc = np.zeros(tuple(int(n) for n in shape))
    for axis in range(ndim):
        width = int(reg_bc[axis])
        if width == 0:
            continue
        for ends in (slice(0, width), slice(box[axis] - width, box[axis])):
            vbc[(slice(None),) * axis + (ends,)] += alpha_bc[axis]
    return vbc.ravel(order="F")


def starting_scale(alpha_00, alpha_0):
    """``alpha_00 / mean(alpha_0)``: ILTpy's ``Γ0 = starting_scale * I``.

    The mean as NumPy's (its sum over the count), without ``np.mean``'s
    Python wrapper, whose first call in a process is slow (docs/performance.md).
    """
    return alpha_00 / (np.add.reduce(alpha_0, axis=None) / np.size(alpha_0))


#: The fit parameters the update schedule takes as given, with their types.
SCHEDULE = {
    "alpha_00": float,
    "nn": bool,
    "reg_zc": bool,
    "zc_on": int,
    "zc_down": int,
    "zc_upd": float,
    "zc_updmin": float,
    "zc_downrate": float,
    "zc_max": float,
    "reg_down": int,
    "reg_upd": float,
    "reg_updmin": float,
    "reg_downrate": float,
}


@dataclass(frozen=True)
class PenaltyModel:
    shape: tuple  # grid Nx, dimension 0 fastest
    box: tuple  # Nx0: the part of the grid holding distribution values
    directions: tuple
    alpha_0: np.ndarray  # per direction
    alpha_p: np.ndarray
    alpha_c: np.ndarray
    alpha_d: np.ndarray
    delta_q: np.ndarray
    c_nmax: np.ndarray
    p_nmax: np.ndarray
    zc_nmax: np.ndarray
    boundary: np.ndarray  # diagonal of Vbc, length prod(shape)
    alpha_00: float
    alpha_nn: float
    nn: bool
    reg_zc: bool
    zc_on: int
    zc_down: int
    zc_upd: float
    zc_updmin: float
    zc_downrate: float
    zc_max: float
    reg_down: int
    reg_upd: float
    reg_updmin: float
    reg_downrate: float

    @functools.cached_property
    def stencil(self):
        """``(slots, reach)`` of Γ's stencil (:func:`fastilt.directions.gamma_stencil`)."""
        return gamma_stencil(self.directions, self.shape)

    @property
    def stencil_reach(self):
        """Γ's lower bandwidth in Fortran order: the farthest coupling of its stencil."""
        return self.stencil[1]

    @classmethod
    def from_configuration(cls, config, p):
        """Build from a resolved :class:`~fastilt.configuration.Configuration` and the fit parameters ``p``."""
        shape = tuple(int(n) for n in config.Nx)
        box = tuple(int(n) for n in config.Nx0)
        return cls(
            shape=shape,
            box=box,
            directions=tuple(config.directions),
            alpha_0=np.asarray(config.alpha_0, float),
            alpha_p=np.asarray(config.alpha_p, float),
            alpha_c=np.asarray(config.alpha_c, float),
            alpha_d=np.asarray(config.alpha_d, float),
            delta_q=np.asarray(config.Delta_Q, float),
            c_nmax=np.asarray(config.c_nmax),
            p_nmax=np.asarray(config.p_nmax),
            zc_nmax=np.asarray(config.zc_nmax),
            boundary=boundary_penalty(shape, box, config.reg_bc, config.alpha_bc),
            alpha_nn=float(np.ravel(config.alpha_nn)[0]),
            **{name: kind(p[name]) for name, kind in SCHEDULE.items()},
        )

    @property
    def size(self):
        return math.prod(self.shape)

    @property
    def initial_scale(self):
        """``Γ0 = initial_scale * I``: ILTpy starts from ``alpha_00 / mean(alpha_0)``."""
        return starting_scale(self.alpha_00, self.alpha_0)

    def zero_crossing_ratio(self, iteration):
        return blend_ratio(iteration, self.zc_down, self.zc_downrate, self.zc_updmin, self.zc_upd)

    def gamma_ratio(self, iteration):
        """Weight of the new Γ against the previous one (1: no blending before ``reg_down``)."""
        if iteration <= self.reg_down:
            return 1.0
        return blend_ratio(iteration, self.reg_down, self.reg_downrate, self.reg_updmin, self.reg_upd)
