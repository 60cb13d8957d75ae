"""Resolution of the fit parameters into per-dimension and per-direction settings.

:func:`resolve_configuration` turns the user's data, sampling vectors and fit
parameters into a frozen :class:`Configuration` whose fields are the attributes
ILTpy users know (``tau``, ``Nx``, ``alpha_c``, ``Delta_Q``, ...).  It validates everything first and touches no object, so a
failed ``init`` leaves an ``IltData`` as it was.
"""

import math
import numbers
import warnings
from dataclasses import dataclass, fields

import numpy as np

from . import validation as check
from .directions import regularisation_directions
from .guards.finite import check_noise_weights, check_penalty_scale
from .kernels import (
    LOG_AXIS_KERNELS,
    TAU_FROM_T_KERNELS,
    Identity,
    IltKernel,
    kernel_from_spec,
)

__all__ = ["Configuration", "resolve_configuration", "generate_tau", "VALID_ALT_G"]

VALID_ALT_G = (0, 2, 4, 6, 8)


def generate_tau(t, name="t"):
    """100 log-spaced tau from ``min(t)/1000`` to ``100 max(t)`` (relaxation data only)."""
    t = np.asarray(t, dtype=float).ravel()
    t_min, t_max = t.min(), t.max()
    if t_min == 0:
        t_min = np.mean(np.diff(t))  # the first non-zero delay stands in for zero
    if t_min <= 0 or t_max <= 0:
        raise ValueError(
            f"tau cannot be generated from {name} (min {float(t.min()):g}, max {float(t.max()):g}): "
            "it needs positive sampling values; pass tau explicitly"
        )
    return np.logspace(np.log10(t_min / 1000), np.log10(t_max * 100), 100)


def _is_kind(value, kind):
    if kind is int:
        return type(value) is int or (
            isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
        )
    if kind is bool:
        return isinstance(value, (bool, np.bool_))
    return isinstance(value, kind)


def _per_dimension(value, ndim, fill, name, kind):
    """ILTpy's list parameters: a scalar or a list, padded with ``fill`` to ``ndim``."""
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if not values:
        raise ValueError(f"`{name}` is an empty list")
    if ndim > 1 and len(values) < ndim:
        values += [values[0] if fill is None else fill] * (ndim - len(values))
    if not all(_is_kind(v, kind) for v in values):
        raise TypeError(f"`{name}` must be a {kind.__name__} or a list of them, got {value!r}")
    return [kind(v) for v in values[:max(ndim, 1)]]


def _resolve_kernels(spec, ndim):
    kernels = list(spec) if isinstance(spec, (list, tuple)) else [spec]
    if not kernels:
        raise ValueError("kernel is an empty list; give a kernel for the first dimension at least")
    if len(kernels) > ndim:
        raise ValueError(f"kernel: {len(kernels)} kernels given for {ndim}-dimensional data")
    kernels += [Identity()] * (ndim - len(kernels))
    kernels = [kernel_from_spec(k) for k in kernels]
    if kernels[0].name == IltKernel.name:
        raise ValueError("No kernel was specified for the first dimension.")
    if kernels[0].name == Identity.name:
        raise ValueError(
            "The Identity kernel cannot be used in the first dimension: the first "
            "dimension is always inverted; transpose the data accordingly."
        )
    return kernels


def _resolve_base_tau(base_tau, kernels):
    ndim = len(kernels)
    base_tau = _per_dimension(base_tau, ndim, 0, "base_tau", int)
    for i, kernel in enumerate(kernels):
        if kernel.name in (Identity.name, IltKernel.name):
            base_tau[i] = 0
        elif kernel.name in LOG_AXIS_KERNELS:
            base_tau[i] = 1
        else:
            warnings.warn(
                f"base_tau must be set for user-defined kernels: 1 for a logarithmic, 0 for a "
                f"linear tau axis. base_tau[{i}] is {base_tau[i]}; check that it matches tau.",
                UserWarning,
                stacklevel=5,  # the caller of init (via _resolve_axes and resolve_configuration)
            )
    return base_tau


def _resolve_sampling(data, t, user_t_spec, dim_ndim, base_tau):
    ndim = data.ndim
    t = list(t)  # finite, one per dimension, of the data's lengths: checked when the IltData was made
    for i in range(ndim):
        if base_tau[i] != 0 and not user_t_spec[i]:
            raise ValueError(f"t[{i}] was not given: an inverted dimension needs its t.")
    if dim_ndim is not None:
        dim_ndim = check.as_vector(dim_ndim, "dim_ndim")
        if ndim > 1:  # ILTpy ignores dim_ndim for 1D data
            if dim_ndim.size != data.shape[-1]:
                raise ValueError(
                    f"dim_ndim has {dim_ndim.size} values but the last data dimension "
                    f"(data.shape[{ndim - 1}]) has {data.shape[-1]}"
                )
            t[-1] = dim_ndim
    return t


def _resolve_tau(tau, t, kernels, base_tau, dim_ndim_given=False):
    ndim = len(kernels)
    if tau is None:
        given = []
    elif isinstance(tau, (list, tuple)) and len(tau) > 0 and all(np.ndim(v) == 0 for v in tau):
        given = [np.asarray(tau)]  # a plain list of numbers is one tau vector
    elif isinstance(tau, (list, tuple)):
        given = list(tau)
    else:
        given = [tau]
    if len(given) > ndim:
        raise ValueError(f"tau: {len(given)} tau arrays given for {ndim}-dimensional data")
    resolved = []
    for i in range(ndim):
        if i < len(given):
            tau_i = check.as_vector(given[i], f"tau[{i}]")
        elif kernels[i].name == Identity.name:
            tau_i = t[i]
        elif kernels[i].name in TAU_FROM_T_KERNELS:
            warnings.warn(
                f"tau[{i}] was not specified, proceeding with a generated tau "
                "(100 log-spaced points); generated tau is only valid for NMR/EPR relaxation data.",
                UserWarning,
                stacklevel=4,
            )
            tau_i = generate_tau(t[i], f"t[{i}]")
        else:
            raise ValueError(
                f"tau[{i}] must be given for the kernel {kernels[i].name!r} in dimension {i}"
            )
        if kernels[i].name == Identity.name and tau_i.size != t[i].size:
            raise ValueError(
                f"tau[{i}] of the Identity kernel must have the length of the data "
                f"dimension ({t[i].size}), got {tau_i.size}"
            )
        if tau_i.size < 2:
            raise ValueError(f"tau[{i}] needs at least 2 points, got {tau_i.size}")
        ascending = check.is_increasing(tau_i)
        # An ascending grid (the rule, required below) is positive where its first point is.
        if base_tau[i] != 0 and (tau_i[0] if ascending else tau_i.min()) <= 0:
            k = int(np.argmax(tau_i <= 0))
            raise ValueError(
                f"tau[{i}] must be positive on a logarithmic axis (kernel {kernels[i].name!r}, "
                f"base_tau[{i}] = {base_tau[i]}), but tau[{i}][{k}] = {float(tau_i[k]):g}"
            )
        if ascending:
            resolved.append(tau_i)
            continue
        if kernels[i].name == Identity.name:
            hint = (
                f"; dimension {i} is not inverted (Identity kernel), so its grid is "
                f"{'dim_ndim' if i == len(kernels) - 1 and dim_ndim_given else f't[{i}]'} "
                "(or the tau given for it): reverse it together with the data"
            )
        else:
            hint = f"; the regularisation needs an ascending tau grid (kernel {kernels[i].name!r})"
        raise check.not_increasing_error(tau_i, f"tau[{i}]", hint)
    return resolved


def _resolve_sb(sb, ndim):
    values = list(sb) if isinstance(sb, (list, tuple)) else [sb]
    if not values:
        raise ValueError("`sb` is an empty list; give True or False (a static baseline, 1D only)")
    if not all(isinstance(v, (bool, np.bool_)) for v in values):
        raise TypeError(f"`sb` must be a boolean or a list of booleans, got {sb!r}")
    if ndim > 1 and any(values):
        warnings.warn(
            "A static baseline (sb) can only be used with 1D data; setting sb to False.",
            UserWarning,
            stacklevel=4,
        )
        return [False] * ndim
    return [bool(values[0])] * ndim


#: ILTpy's per-axis numbers (``value * np.ones(ndim)``): one number or one per axis;
#: with whether 0 is allowed.  None (alpha_p, alpha_c, alpha_d) means "derive it".
PER_AXIS = {
    "alpha_0": False,
    "alpha_a": False,
    "alpha_bc": True,
    "alpha_nn": True,
    "alpha_p": True,
    "alpha_c": True,
    "alpha_d": False,
}
DERIVED_WHEN_NONE = ("alpha_p", "alpha_c", "alpha_d")


def _check_schedule(p, ndim):
    """Validate the scalar settings; returns the per-axis numbers (arrays of ``ndim``, or None)."""
    check.check_int(p["maxloop"], "maxloop", minimum=1)
    for name in ("reg_down", "zc_down", "zc_on"):
        check.check_int(p[name], name, minimum=check.INT32_MIN)
    for name in ("c_nmax", "p_nmax", "zc_nmax"):
        check.check_int(p[name], name, minimum=1)
    for name in ("reg_downrate", "zc_downrate", "reg_upd", "reg_updmin", "zc_upd", "zc_updmin"):
        check.check_fraction(p[name], name)
    check.check_positive(check.as_number(p["conv_limit"], "conv_limit"), "conv_limit", allow_zero=True)
    for name in ("alpha_00", "zc_max"):
        check.check_positive(check.as_number(p[name], name), name)
    per_axis = {}
    for name, allow_zero in PER_AXIS.items():
        if p[name] is None and name in DERIVED_WHEN_NONE:
            per_axis[name] = None
            continue
        per_axis[name] = check.as_per_axis(p[name], name, ndim)
        check.check_positive(p[name], name, allow_zero=allow_zero)
    for name in ("nn", "reg_zc", "use_svds", "store_g", "store_gamma", "force_sparse", "reg_up"):
        check.check_bool(p[name], name)
    check.check_fraction(p["sparse_threshold"], "sparse_threshold")
    if p["alt_g"] not in VALID_ALT_G or isinstance(p["alt_g"], bool):
        raise ValueError(f"Invalid alt_g value: {p['alt_g']!r}. Valid options are {list(VALID_ALT_G)}.")
    _check_zero_crossing_state(p["Cz"])
    return per_axis


def _check_zero_crossing_state(cz):
    """``Cz`` (ILTpy's zero-crossing state, reset by every inversion): a list of arrays."""
    if not isinstance(cz, (list, tuple)):
        raise TypeError(f"Cz must be a list of arrays (the zero-crossing state), got {cz!r}")
    for i, item in enumerate(cz):
        check.as_finite_array(item, f"Cz[{i}]", allow_empty=True)


# The per-axis and per-direction numbers below are a handful of values: they are
# worked out with Python floats (the same IEEE operations as NumPy's), not with
# arrays, whose set-up costs more than the arithmetic.

def _rms(values, directions):
    """Per-direction values: the axis value, or the RMS of the two axes of a diagonal."""
    values = np.asarray(values, dtype=float).tolist()
    return np.array([
        values[a] if a == b else math.sqrt((values[a] ** 2 + values[b] ** 2) / 2)
        for a, b in (d.axes for d in directions)
    ])


def _window(values, directions, shape):
    """Per-direction moving-max window: diagonals take the rounded-up mean of their axes.

    A window reaching past every end of the grid changes nothing (the values
    maximised are >= 0 and points beyond the grid count as 0), so windows are
    capped there: a huge ``c_nmax`` then costs no more than a grid-wide one.
    """
    values = np.asarray(values, dtype=float).tolist()
    cap = 2 * int(max(shape)) + 2
    return np.array(
        [min(math.ceil(values[a] if a == b else (values[a] + values[b]) / 2), cap) for a, b in
         (d.axes for d in directions)],
        dtype=np.int64,
    )


@dataclass(frozen=True, eq=False)
class Configuration:
    """The fit parameters resolved for the data: per dimension, per axis and per direction.

    Field names are ILTpy's attribute names; :meth:`iltpy_attributes` adds the
    ones derived from them.  Built by :func:`resolve_configuration` only.
    """

    Nt: tuple  # the data's shape
    directions: list  # ILTpy's order: axes, then diagonal pairs
    kernel: list
    compress: list
    base_tau: list  # 1: logarithmic tau axis, 0: linear
    reg_bc: np.ndarray  # boundary width per direction (0 on diagonals)
    s: list  # kept singular values per dimension
    t: list  # rows (1, N)
    tau: list  # columns (N, 1)
    sb: list
    Nx0: np.ndarray  # tau points per dimension
    Ntau: int
    Nx: np.ndarray  # Nx0 plus the static baseline
    Nxtot: int
    g_guess: object  # None or a vector in Fortran order
    sigma: object  # None or an array of the data's shape
    alpha_0: np.ndarray  # per direction
    alpha_c: np.ndarray
    alpha_p: np.ndarray
    alpha_a: np.ndarray
    alpha_d: np.ndarray
    alpha_bc: np.ndarray  # per axis
    alpha_nn: np.ndarray
    Delta_Q: np.ndarray  # per direction
    c_nmax: np.ndarray
    p_nmax: np.ndarray
    zc_nmax: np.ndarray

    @property
    def ndim(self):
        return len(self.Nt)

    def iltpy_attributes(self):
        """The settings by ILTpy's attribute names (``IltData`` fills them from here)."""
        names = {field.name: getattr(self, field.name) for field in fields(self)}
        names.update(ndim=self.ndim, idx=[list(d.axes) for d in self.directions], Nx0tot=self.Ntau)
        return names


def _resolve_axes(p, shape):
    """Kernels, compression, tau axis kind, boundary widths and kept singular values per dimension."""
    ndim = len(shape)
    kernels = _resolve_kernels(p["kernel"], ndim)
    compress = _per_dimension(p["compress"], ndim, False, "compress", bool)
    base_tau = _resolve_base_tau(p["base_tau"], kernels)
    for i, kernel in enumerate(kernels):
        if kernel.name in (Identity.name, IltKernel.name):
            compress[i] = False
    if p["reg_bc"] is None:
        reg_bc = [2 if b != 0 else 0 for b in base_tau]
    else:
        reg_bc = [check.check_int(p["reg_bc"], "reg_bc", minimum=0)] * ndim
    s = _per_dimension(p["s"], ndim, None, "s", int)
    if any(si < 1 for si in s):
        raise ValueError(f"`s` must be >= 1, got {p['s']!r}")
    s = [shape[i] if s[i] > shape[i] or not compress[i] else s[i] for i in range(ndim)]
    return kernels, compress, base_tau, reg_bc, s


def _check_baseline(sb, alt_g):
    if any(sb) and alt_g != 0:
        # ILTpy fails here inside its Cholesky factorisation of Γ, after the set-up.
        raise ValueError(
            f"alt_g = {alt_g} cannot be combined with a static baseline (sb=True): the data-space "
            "forms factor Γ = L Lᵀ, but the baseline is not regularised, so Γ is singular; use alt_g = 0"
        )


def _resolve_g_guess(g_guess, Nx):
    """``g_guess`` as a vector in Fortran order (given as that vector or in the shape of g)."""
    if g_guess is None:
        return None
    shape, size = tuple(int(n) for n in Nx), math.prod(int(n) for n in Nx)
    g_guess = np.squeeze(check.as_finite_array(g_guess, "g_guess").astype(float))
    if g_guess.ndim > 1 and g_guess.shape != shape:
        raise ValueError(
            f"`g_guess` has shape {g_guess.shape}, expected the shape of g "
            f"{shape} (or a vector of {size} values in Fortran order)."
        )
    g_guess = g_guess.ravel(order="F")
    if g_guess.size != size:
        raise ValueError(f"`g_guess` has {g_guess.size} values, expected {size}.")
    return g_guess


def _resolve_sigma(sigma, shape):
    """The noise standard deviation of each data point: positive, in the data's shape."""
    if sigma is None:
        return None
    sigma = check.as_finite_array(sigma, "sigma").astype(float)
    if sigma.shape != shape and np.squeeze(sigma).shape == shape:
        sigma = np.squeeze(sigma)  # the data's size-1 dimensions were squeezed too
    if sigma.shape != shape:
        raise ValueError(f"sigma has shape {sigma.shape}, expected the data shape {shape}")
    if np.any(sigma <= 0):
        k = np.unravel_index(int(np.argmax(sigma <= 0)), sigma.shape)
        raise ValueError(
            "sigma (the noise standard deviation) must be positive everywhere, "
            f"but sigma[{', '.join(str(int(i)) for i in k)}] = {float(sigma[k]):g}"
        )
    check_noise_weights(sigma)
    return sigma


def _resolve_compliance(per_axis, tau, base_tau, n_points, Ntau, directions, alpha_00):
    """The compliance and scale parameters per direction, ILTpy's defaults derived from the grid."""
    ndim = len(tau)
    # Grid spacing at the end of each tau axis: in ln(tau) on log axes, in tau on linear ones.
    spacing = np.array([
        np.log(tau[i][-1]) - np.log(tau[i][-2]) if base_tau[i] != 0 else tau[i][-1] - tau[i][-2]
        for i in range(ndim)
    ], dtype=float)
    alpha_c = 2 * spacing / n_points * Ntau if per_axis["alpha_c"] is None else per_axis["alpha_c"]
    alpha_p = 5 * alpha_c if per_axis["alpha_p"] is None else per_axis["alpha_p"]
    alpha_a = per_axis["alpha_a"]
    alpha_d = 1 / alpha_a if per_axis["alpha_d"] is None else per_axis["alpha_d"]
    delta_q = [spacing[i] if base_tau[i] != 0 else spacing[i] * math.log(10) for i in range(ndim)]
    delta_q_directions = np.array([
        math.sqrt(delta_q[a] ** 2 + delta_q[b] ** 2) if a != b else delta_q[a]
        for a, b in (d.axes for d in directions)
    ])
    alpha_0 = _rms(per_axis["alpha_0"], directions)
    check_penalty_scale(alpha_0, delta_q_directions, float(alpha_00))
    return {
        "alpha_0": alpha_0,
        "alpha_c": _rms(alpha_c, directions),
        "alpha_p": _rms(alpha_p, directions),
        "alpha_a": _rms(alpha_a, directions),
        "alpha_d": _rms(alpha_d, directions),
        "Delta_Q": delta_q_directions,
    }


def resolve_configuration(data, t, user_t_spec, p):
    """Validate and resolve the fit dict ``p`` for ``data`` into a :class:`Configuration`."""
    ndim = data.ndim
    per_axis = _check_schedule(p, ndim)
    kernels, compress, base_tau, reg_bc, s = _resolve_axes(p, data.shape)
    t = _resolve_sampling(data, t, user_t_spec, p["dim_ndim"], base_tau)
    tau = _resolve_tau(p["tau"], t, kernels, base_tau, p["dim_ndim"] is not None and ndim > 1)
    sb = _resolve_sb(p["sb"], ndim)
    _check_baseline(sb, p["alt_g"])
    Nx0 = np.array([ti.size for ti in tau])
    Nx = np.array([ti.size + int(b) for ti, b in zip(tau, sb)])
    Ntau = math.prod(int(n) for n in Nx0)
    g_guess = _resolve_g_guess(p["g_guess"], Nx)
    sigma = _resolve_sigma(p["sigma"], data.shape)
    directions = regularisation_directions(ndim)
    n_points = math.prod(s[i] if compress[i] else data.shape[i] for i in range(ndim))
    return Configuration(
        Nt=data.shape,
        directions=directions,
        kernel=kernels,
        compress=compress,
        base_tau=base_tau,
        reg_bc=np.array(reg_bc + [0] * (ndim * ndim - ndim), dtype=np.int64),
        s=s,
        t=[ti.reshape(1, -1) for ti in t],
        tau=[ti.reshape(-1, 1) for ti in tau],
        sb=sb,
        Nx0=Nx0,
        Ntau=Ntau,
        Nx=Nx,
        Nxtot=math.prod(int(n) for n in Nx),
        g_guess=g_guess,
        sigma=sigma,
        **_resolve_compliance(per_axis, tau, base_tau, n_points, Ntau, directions, p["alpha_00"]),
        alpha_bc=per_axis["alpha_bc"],
        alpha_nn=per_axis["alpha_nn"],
        c_nmax=_window([p["c_nmax"]] * ndim, directions, Nx),
        p_nmax=_window([p["p_nmax"]] * ndim, directions, Nx),
        zc_nmax=_window([p["zc_nmax"]] * ndim, directions, Nx),
    )
