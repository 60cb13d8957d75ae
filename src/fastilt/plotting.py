"""Overview figure of an inversion: data and fit, the distribution g, residuals.

:func:`~fastilt.iltplot` takes ILTpy's arguments and returns ``(fig, [ax_data, ax_g,
ax_residuals])`` like ILTpy's ``iltplot``.  matplotlib is imported only when a
figure is made (``pip install fastilt[plot]``), and the figure is styled with a
local ``rc_context``: unlike ILTpy, plotting never changes the global rcParams.

Differences from ILTpy's figure, all for readability:

* g is drawn against tau on a logarithmic axis (where ``base_tau`` is 1) rather
  than against ``log10(tau)`` on a linear axis;
* residuals are drawn against the sampling axis rather than the point index;
* 2D maps use ``pcolormesh`` with cell edges at the grid mid-points, a colorbar
  and contour lines; a signed map gets a diverging colormap with symmetric limits.
"""

import numpy as np

__all__ = ["iltplot"]

_INSTALL_HINT = (
    "iltplot needs matplotlib, which is not installed. "
    "Install it with: pip install fastilt[plot]  (or: pip install matplotlib)"
)

# Axis names by kernel: (sampling variable, distribution variable).
_AXIS_NAMES = {
    "_exponential_": ("t", r"\tau"),
    "_gaussian_": ("t", r"\tau"),
    "_diffusion_": ("b", "D"),
    "_real_rc_kernel_": ("f", r"\tau"),
    "_imag_rc_kernel_": ("f", r"\tau"),
}

_STYLE = {
    "axes.labelsize": 10,
    "axes.titlesize": 10,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "lines.linewidth": 1.2,
    "lines.markersize": 3,
    "grid.linestyle": ":",
    "grid.linewidth": 0.5,
    "grid.alpha": 0.6,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "savefig.dpi": 150,
    "figure.dpi": 100,
}


def _matplotlib():
    """Import matplotlib lazily, with an install hint when it is missing."""
    try:
        import matplotlib
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ImportError(_INSTALL_HINT) from err
    return matplotlib, plt


def _names(kernel):
    return _AXIS_NAMES.get(getattr(kernel, "name", None), ("t", r"\tau"))


def _log_spaced(x):
    """True for positive samples spread over a wide range, closer to geometric than linear spacing."""
    x = np.sort(np.ravel(np.asarray(x, dtype=float)))
    if x.size < 3 or x[0] <= 0 or x[-1] / x[0] < 20:
        return False

    def spread(steps):
        return np.std(steps) / abs(np.mean(steps))

    return spread(np.diff(np.log(x))) < spread(np.diff(x))


def _edges(centres, log):
    """Cell edges around ``centres`` (mid-points, in log space on a log axis)."""
    c = np.asarray(centres, dtype=float).ravel()
    if c.size == 1:
        return np.array([c[0] * 0.9, c[0] * 1.1]) if log else np.array([c[0] - 0.5, c[0] + 0.5])
    x = np.log10(c) if log else c
    mid = (x[1:] + x[:-1]) / 2
    edges = np.concatenate([[2 * x[0] - mid[0]], mid, [2 * x[-1] - mid[-1]]])
    return 10**edges if log else edges


def _set_xscale(ax, x):
    if _log_spaced(x):
        ax.set_xscale("log")


def _plot_data_fit(ax, x, data, fit, x_label, title):
    x = np.ravel(x)
    many = x.size > 300
    ax.plot(x, data, color="0.15", lw=0.6 if many else 0, marker="" if many else "o",
            ms=3, mfc="none", label="data")
    ax.plot(x, fit, color="tab:red", lw=1.3, ls="--", label="fit")
    _set_xscale(ax, x)
    ax.set_xlabel(x_label)
    ax.set_ylabel("signal")
    ax.set_title(title)
    ax.legend(frameon=False, loc="best")
    ax.grid(True)


def _label_residual_axes(ax, x, x_label, ylabel):
    _set_xscale(ax, x)
    ax.set_xlabel(x_label)
    ax.set_ylabel(ylabel)
    ax.set_title(r"residuals $r = \mathbf{Kg} - \mathbf{s}$")
    ax.legend(frameon=False, loc="upper right")
    ax.grid(True)


def _plot_residuals_1d(ax, x, residuals, x_label, ylabel):
    x = np.ravel(x)
    mean, std = float(np.mean(residuals)), float(np.std(residuals))
    ax.axhline(0, color="0.5", lw=0.8)
    ax.plot(x, residuals, ls="none", marker=".", ms=2 if x.size > 300 else 4, color="0.35")
    ax.axhline(mean, color="k", lw=1.0, label=rf"$\overline{{r}}$ = {mean:.3g}")
    ax.axhspan(mean - std, mean + std, color="tab:purple", alpha=0.15, lw=0,
               label=rf"$\pm\sigma_r$ = {std:.3g}")
    _label_residual_axes(ax, x, x_label, ylabel)


def _plot_residuals_2d(ax, x, residuals, x_label, ylabel):
    """Residual traces along ``x`` (one per column), with their mean and std across columns."""
    x = np.ravel(x)
    ax.plot(x, residuals, color="0.6", alpha=0.35, lw=0.6)
    ax.plot(x, residuals.mean(axis=-1), color="k", lw=1.2, label=r"$\overline{r}$")
    ax.plot(x, residuals.std(axis=-1), color="tab:purple", ls="--", lw=1.2, label=r"$\sigma_r$")
    _label_residual_axes(ax, x, x_label, ylabel)


def _plot_g_1d(ax, iltdata, g, tau_name, log_tau, g_label, baseline_scale=1.0):
    tau = np.ravel(iltdata.tau[0])
    baseline = None
    if bool(np.ravel(iltdata.sb)[0]) and g.size == tau.size + 1:
        # The baseline is an offset of the data, reported with its own sign even for negative_g.
        g, baseline = g[:-1], float(np.ravel(iltdata.g)[-1]) * baseline_scale
    ax.axhline(0, color="0.5", lw=0.8)
    ax.plot(tau, g, color="tab:green", marker=".", ms=4, lw=1.4, label=g_label)
    if log_tau:
        ax.set_xscale("log")
    ax.set_xlabel(rf"${tau_name}$")
    ax.set_ylabel(g_label)
    ax.set_title(rf"distribution $g({tau_name})$")
    if baseline is not None:
        ax.text(0.02, 0.95, f"static baseline = {baseline:.4g}", transform=ax.transAxes,
                va="top", ha="left", fontsize=8)
    ax.grid(True)


def _plot_g_2d(fig, ax, matplotlib, g, y, x, log_y, log_x, labels, g_label):
    x_label, y_label = labels
    finite = g[np.isfinite(g)]
    top = float(np.max(np.abs(finite))) if finite.size else 1.0
    top = top if top > 0 else 1.0
    signed = finite.size and np.min(finite) < -0.05 * top and np.max(finite) > 0.05 * top
    if signed:
        # Symmetric limits: equal colour intensity means equal |g| on both sides of zero.
        norm = matplotlib.colors.Normalize(vmin=-top, vmax=top)
        cmap = "RdBu_r"
    elif finite.size and np.max(finite) <= 0.05 * top:  # a negative map (e.g. without negative_g)
        norm, cmap = None, "viridis_r"
    else:
        norm, cmap = None, "viridis"
    mesh = ax.pcolormesh(_edges(x, log_x), _edges(y, log_y), g, cmap=cmap, norm=norm, shading="flat")
    if log_x:
        ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    if min(g.shape) >= 4 and finite.size and np.ptp(finite) > 0:
        levels = np.linspace(0.1, 0.9, 5) * top
        levels = np.concatenate([-levels[::-1], levels]) if signed else levels * np.sign(np.max(finite))
        levels = np.unique(levels[(levels > np.min(finite)) & (levels < np.max(finite))])
        if levels.size:
            ax.contour(np.ravel(x), np.ravel(y), g, levels=levels, colors="k", linewidths=0.5, alpha=0.6)
    colorbar = fig.colorbar(mesh, ax=ax, pad=0.02)
    colorbar.set_label(g_label)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title("distribution g")


def iltplot(
    iltdata,
    dim_ndim=None,
    transform_g=False,
    negative_g=False,
    transpose_residuals=False,
    scale_residuals=True,
):
    """Plot the data and fit, the distribution ``g`` and the residuals of an inversion.

    Parameters
    ----------
    iltdata : IltData
        An inverted 1D or 2D data set.
    dim_ndim : ndarray, optional
        2D data: the axis of the second dimension (e.g. a ppm or Hz axis of a
        pseudo-2D set); default ``tau[1]``.
    transform_g : bool, default False
        2D data: show ``sign(g) * sqrt(|g|)`` to bring out weak features.
    negative_g : bool, default False
        Show ``-g`` (inversion-recovery-like data whose g is negative).
    transpose_residuals : bool, default False
        2D data: show data, fit and residuals along the second dimension.
    scale_residuals : bool, default True
        With ``sigma`` set, show ``residuals / sigma``.

    Data loaded with ``iltload(..., noise=...)`` are drawn in their own
    units: data, fit and ``g`` times ``iltdata.noise.sigma``; the residuals
    stay in noise units.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : list of matplotlib.axes.Axes
        ``[ax_data, ax_g, ax_residuals]``: data and fit, the distribution, the
        residuals (ILTpy's order).  A 2D figure also has a colorbar axes.

    Raises
    ------
    RuntimeError
        ``iltdata`` has not been inverted.
    ValueError
        3D data.
    ImportError
        matplotlib is not installed (``pip install fastilt[plot]``).

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt as ilt
    >>> t = np.linspace(0.001, 1, 200)
    >>> noise = np.random.default_rng(0).normal(size=t.size)
    >>> data = ilt.iltload(data=100 * np.exp(-t / 0.05) + noise, t=t)
    >>> data.init(np.logspace(-3, 1, 50), ilt.Exponential())
    >>> data.invert(verbose=0)
    >>> import matplotlib.pyplot as plt
    >>> fig, axes = ilt.iltplot(data)
    >>> len(axes)
    3
    >>> plt.close(fig)
    """
    if not getattr(iltdata, "inverted", False):
        raise RuntimeError("iltplot can only be used after the dataset has been inverted.")
    data = np.asarray(iltdata.data, dtype=float)
    if data.ndim not in (1, 2):
        raise ValueError(f"iltplot can only be used with 1D and 2D data, got {data.ndim}D.")
    matplotlib, plt = _matplotlib()

    fit = np.asarray(iltdata.fit, dtype=float)
    g = np.array(iltdata.g, dtype=float)
    sigma = getattr(iltdata, "sigma", None)
    residuals = np.asarray(iltdata.residuals, dtype=float)
    res_label = "r"
    scale = getattr(iltdata, "noise", None)
    if scale is not None:  # iltload(noise=...): data, fit and g in the data's own units
        data, fit, g = data * scale.sigma, fit * scale.sigma, g * scale.sigma
        res_label = "r (noise units)"
    if sigma is not None and scale_residuals:
        residuals = residuals / np.asarray(sigma, dtype=float)
        res_label = r"$r / \sigma$"
    if negative_g:
        g = -g
    g_label = "$-g$" if negative_g else "$g$"
    kernels = list(iltdata.kernel)
    base_tau = list(np.ravel(iltdata.base_tau))
    t = [np.ravel(ti) for ti in iltdata.t]

    with matplotlib.rc_context(_STYLE):
        fig = plt.figure(figsize=(8.0, 6.4), layout="constrained")
        grid = fig.add_gridspec(2, 2, height_ratios=[1.0, 1.35])
        ax_data = fig.add_subplot(grid[0, 0])
        ax_res = fig.add_subplot(grid[0, 1])
        ax_g = fig.add_subplot(grid[1, :])

        if data.ndim == 1:
            t_name, tau_name = _names(kernels[0])
            _plot_data_fit(ax_data, t[0], data, fit, f"${t_name}$", "data and fit")
            _plot_residuals_1d(ax_res, t[0], residuals, f"${t_name}$", res_label)
            _plot_g_1d(ax_g, iltdata, g, tau_name, base_tau[0] != 0, g_label,
                       baseline_scale=1.0 if scale is None else scale.sigma)
        else:
            axis = 1 if transpose_residuals else 0
            t_name = _names(kernels[axis])[0] if kernels[axis].name != "_identity_" else "x"
            t_name = f"{t_name}_{axis + 1}"
            if axis == 0:
                _plot_data_fit(ax_data, t[0], data.sum(axis=1), fit.sum(axis=1),
                               f"${t_name}$", "data and fit (sum over dim 2)")
                _plot_residuals_2d(ax_res, t[0], residuals, f"${t_name}$", res_label)
            else:
                _plot_data_fit(ax_data, t[1], data.sum(axis=0), fit.sum(axis=0),
                               f"${t_name}$", "data and fit (sum over dim 1)")
                _plot_residuals_2d(ax_res, t[1], residuals.T, f"${t_name}$", res_label)
            if transform_g:
                g = np.sign(g) * np.sqrt(np.abs(g))
                g_label = rf"sign({g_label}) $\sqrt{{|{g_label.strip('$')}|}}$"
            tau0 = np.ravel(iltdata.tau[0])
            if dim_ndim is not None:
                x = np.ravel(np.asarray(dim_ndim, dtype=float))
                if x.size != g.shape[1]:
                    raise ValueError(f"dim_ndim has {x.size} values, g has {g.shape[1]} columns")
                log_x = False
            else:
                x = np.ravel(iltdata.tau[1])
                log_x = base_tau[1] != 0
            y_name = _names(kernels[0])[1] + "_1"
            x_name = (_names(kernels[1])[1] if kernels[1].name != "_identity_" else "x") + "_2"
            x_label = f"${x_name}$" + (" (not inverted)" if kernels[1].name == "_identity_" else "")
            _plot_g_2d(fig, ax_g, matplotlib, g, tau0, x, base_tau[0] != 0, log_x,
                       (x_label, f"${y_name}$"), g_label)
    return fig, [ax_data, ax_g, ax_res]
