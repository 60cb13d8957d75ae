"""``IltData``: data, settings and results of one inversion (ILTpy's main class)."""

import contextlib
import copy
import functools
import logging
import time

import numpy as np

from . import validation as check
from .configuration import resolve_configuration
from .forward_model import apply_per_dimension, build_forward_model, compress_data, data_terms, kernel_matrices, kernel_sparsity
from .parameters import ARRAY_ARGUMENTS, copy_settings, default_parameters, merge_parameters
from .penalty_model import PenaltyModel
from . import backends
from .backends import check_solver, compiled_available, select_backend
from .errors import NonFiniteError
from .guards.degenerate import warn_uninformative_tau, warn_zero_data
from .guards.finite import require_finite_input, with_likely_cause
from .guards.preflight import require_plan_memory
from .compat import iltpy_version
from .problem.driver import iterate
from .quality import diagnose
from .problem.plan import plan_inversion
from .problem.system import NormalEquations
from .problem.iltpy_names import add_iltpy_names, settings_by_iltpy_names, solver_type_after_init, solver_type_after_invert
from .solvers import DataSpaceSolver, default_solver, normal_equations_matrix

__all__ = ["IltData"]

logger = logging.getLogger("fastilt")


def _warn(message):
    import warnings

    warnings.warn(message, UserWarning, stacklevel=4)


#: Results of a finished inversion that a re-inversion of other data neither
#: needs nor should carry (invert and iltstats set them anew).
RESULT_ATTRIBUTES = (
    "statistics",
    "g",
    "fit",
    "residuals",
    "g_old",
    "g_list",
    "gamma_list",
    "Gamma2",
    "_gamma2_deferred",
    "convergence",
    "solver",
)


def _progress_bar(total):
    # tqdm (and the multiprocessing lock it creates) only when a bar is shown:
    # a silent inversion pays none of its start-up.
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="fastilt", unit="it")


@add_iltpy_names
class IltData:
    """Data to invert, the fit settings and, after :meth:`~IltData.invert`, the results.

    Created by :func:`fastilt.iltload` (ILTpy's class of the same name, with the
    same attributes).  The workflow is ``iltload`` -> :meth:`init` (kernels, tau
    grids, fit parameters) -> :meth:`invert`, then optionally :meth:`iltstats`,
    :meth:`report` and :func:`fastilt.iltplot`.

    Parameters
    ----------
    data_dict : dict
        ``"data"`` (1D to 3D array), ``"dims"`` (one sampling vector per
        dimension, trailing ones may be missing), and optionally
        ``"dataset_type"`` and ``"filepath"``.  Normally built by
        :func:`fastilt.iltload`.

    Attributes
    ----------
    data : ndarray
        The data, size-1 dimensions squeezed.  Its noise should have unit
        variance (as in ILTpy, the regularisation is calibrated for it).
    t : list of ndarray
        Sampling vectors, one per dimension (rows of shape ``(1, N)`` after
        :meth:`init`).
    initialized, inverted : bool
        Whether :meth:`init` and :meth:`invert` have run.
    tau : list of ndarray
        After :meth:`init`: the tau grid of each dimension (columns).
    kernel : list of IltKernel
        After :meth:`init`: the kernel of each dimension.
    K : list of ndarray
        After :meth:`init`: the kernel matrices, ``K[d]`` of shape
        ``(Ntau_d, Nt_d)`` (one more row with ``sb``).
    Nx : ndarray of int
        Shape of the distribution ``g`` (tau points per dimension, plus one
        baseline point with ``sb``).
    Nxtot : int
        Number of unknowns, ``prod(Nx)``.
    fit_dict : dict
        Every fit parameter (ILTpy's names) as used by this inversion; each is
        also an attribute (``alpha_00``, ``maxloop``, ``nn``, ...).
    Y : ndarray
        Right-hand side of the normal equations ``(W + Gamma) g = Y``.
    W : ndarray or sparse matrix
        ``K0compᵀ K0comp`` of the normal equations (formed on first access).
    g : ndarray
        After :meth:`invert`: the distribution on the tau grid, shape ``Nx``
        (the last element is the static baseline with ``sb``).
    fit : ndarray
        After :meth:`invert`: the forward model of ``g``, shape of ``data``.
    residuals : ndarray
        After :meth:`invert`: ``fit - data``; noise-like with a standard
        deviation near 1 for a good fit of unit-variance data.
    convergence : list
        After :meth:`invert`: relative change of ``g`` per iteration (length
        ``maxloop``; ``None`` after an early stop at ``conv_limit``).
    Gamma2 : sparse matrix
        After :meth:`invert`: the final regularisation matrix.
    inversion_time : float
        After :meth:`invert`: wall time of the iterations in seconds.
    backend : str
        After :meth:`invert`: ``"compiled"`` or ``"python"``.
    solver_type : str
        ILTpy's name of the solve, as the ILTpy release followed
        (:func:`fastilt.iltpy_version`) writes it: after :meth:`init`
        ``"default-dense"``/``"default-sparse"``; after :meth:`invert`
        ``"iltpy-default"``, ``"alt_g_<n>"`` or ``"user-defined"`` (ILTpy 1.1),
        ``"default-dense"``/``"default-sparse"``, ``"alt_g"`` or
        ``"user-defined"`` (ILTpy 1.0).
    solver : str
        After :meth:`invert`: the linear solver fastilt ran (``"dense"``,
        ``"band"``, ``"cholmod"``, ``"superlu"``, ``"lowrank"``, ``"user"``,
        ``"python-dense"`` or ``"data-space"``; see :mod:`fastilt.problem.plan`).
    system : NormalEquations
        After :meth:`init`: the normal equations ``(W + Γ) g = Y`` as set up
        (:mod:`fastilt.problem.system`).
    sparse_kernels : bool
        After :meth:`init`: whether the sparse form was taken (``K0comp`` and
        ``W`` sparse; ILTpy 1.1's ``_is_kernel_sparse``).

    ILTpy 1.1's private names of ILTpy 1.0's attributes (``_inverted``,
    ``_mcomp``, ``_solver_type``, ...) read the same values
    (:mod:`fastilt.problem.iltpy_names`).
    statistics : dict
        After :meth:`iltstats`: see :func:`fastilt.statistics.iltstats`.
    noise : NoiseEstimate or None
        With ``iltload(..., noise=...)``: the noise level the data were
        divided by; ``g``, ``fit`` and ``residuals`` times ``noise.sigma`` are
        in the data's own units.  None: the data are as given (ILTpy's way).

    Examples
    --------
    A bi-exponential decay with unit-variance noise, inverted on 50 log-spaced
    relaxation times:

    >>> import numpy as np
    >>> import fastilt as ilt
    >>> t = np.linspace(0.001, 1, 200)
    >>> noise = np.random.default_rng(0).normal(size=t.size)
    >>> s = 100 * np.exp(-t / 0.05) + 50 * np.exp(-t / 0.3) + noise
    >>> tau = np.logspace(-3, 1, 50)
    >>> data = ilt.iltload(data=s, t=t)
    >>> data.init(tau, ilt.Exponential())
    >>> data.invert(verbose=0)
    >>> data.g.shape, data.fit.shape
    ((50,), (200,))
    >>> print(f"residual std {data.residuals.std():.1f}")
    residual std 1.0

    The two components, as the summed amplitude below and above 0.12 s:

    >>> print(f"{data.g[tau < 0.12].sum():.0f} {data.g[tau > 0.12].sum():.0f}")
    96 55
    """

    def __init__(self, data_dict):
        self.inception = time.time()
        self.dataset_type = data_dict.get("dataset_type", "ndarray")
        self.filepath = data_dict.get("filepath")
        #: instrument files: format, experiment, axes, suggested kernels, ... (see fastilt.io)
        self.metadata = copy_settings(data_dict.get("metadata", {}))
        #: iltload(noise=...): the noise level the data were divided by (a NoiseEstimate), else None
        self.noise = data_dict.get("noise")
        data = check.as_finite_array(data_dict["data"], "data").astype(float)
        check.check_data_dimensions(data)
        dims = data_dict["dims"]
        dims = list(dims) if isinstance(dims, (list, tuple)) else [dims]
        if data.ndim > 1 and 1 in data.shape:
            keep = [i for i, n in enumerate(data.shape) if n != 1]
            if len(dims) == data.ndim:
                dims = [dims[i] for i in keep]
            data = np.squeeze(data)
            data = data.reshape(-1) if data.ndim == 0 else data
        if len(dims) > data.ndim:
            raise ValueError(f"{len(dims)} sampling vectors given for {data.ndim}-dimensional data")
        t = [check.as_finite_array(d, f"t[{i}]").ravel() for i, d in enumerate(dims)]
        if not t:
            raise ValueError("t must be given for the first dimension")
        self.user_t_spec = [i < len(t) for i in range(data.ndim)]
        t += [np.arange(1, data.shape[i] + 1) for i in range(len(t), data.ndim)]
        for i in range(data.ndim):
            if data.shape[i] != t[i].size:
                raise ValueError(
                    f"Length of t ({t[i].size}) along dimension {i} does not match "
                    f"the length of data ({data.shape[i]})"
                )
        self.data = data
        self.t = t
        self.data_dict = copy_settings(data_dict)
        self.initialized = False
        self.inverted = False
        logger.debug("IltData with data shape %s", data.shape)

    # ------------------------------------------------------------------ init
    def init(
        self,
        tau=None,
        kernel=None,
        parameters=None,
        dim_ndim=None,
        sigma=None,
        g_guess=None,
        verbose=0,
        reinitialize=False,
    ):
        """Set the kernels, tau grids and fit parameters, and build the fixed matrices.

        Everything is validated before any attribute changes, so a failed
        ``init`` leaves the object as it was.

        Parameters
        ----------
        tau : ndarray or list of ndarray, optional
            The grid of each inverted dimension (relaxation times, diffusion
            coefficients, ...).  Left out, it is the sampling vector for an
            ``Identity`` dimension, and 100 log-spaced points generated from
            ``t`` for Exponential and Gaussian kernels (with a warning, as in
            ILTpy).
        kernel : IltKernel or list of IltKernel, optional
            One kernel per dimension (an instance, or a built-in name such as
            ``"_exponential_"``); see :mod:`fastilt.kernels`.
        parameters : dict or path-like, optional
            Fit parameters by ILTpy's names (``alpha_00``, ``nn``, ``sb``,
            ``compress``, ``s``, ``alt_g``, ``maxloop``, ``conv_limit``, ...), or
            the path of a ``.param`` file written by :meth:`report`.
        dim_ndim : ndarray, optional
            Axis of a non-inverted (Identity) dimension.
        sigma : ndarray, optional
            Noise standard deviation of each data point, for a weighted fit
            (``alt_g`` 0 or 4).
        g_guess : ndarray, optional
            Starting distribution, shape ``Nx``.
        verbose : int, default 0
            ``> 0`` prints progress messages.
        reinitialize : bool, default False
            On an initialised object, start from the default parameters
            instead of the earlier settings.

        Raises
        ------
        KeyError
            An unknown parameter name (the message suggests the closest one).
        ValueError
            Shapes or values that do not fit the data (a tau grid of the wrong
            dimension, a non-positive tau on a log axis, ...).
        TypeError
            A kernel that is not an :class:`~fastilt.IltKernel` instance, or
            ``parameters`` that is neither a dict nor a path.

        MemoryError
            The sparse normal equations would not fit in the available memory
            (checked before they are formed).

        Warns
        -----
        UserWarning
            All-zero data; a tau grid over which a kernel is essentially
            constant or zero at every t.  ILTpy's hints to set ``alt_g`` to 0
            or 6 are given only where the compiled core is missing: the
            compiled backend solves every ``alt_g`` through the same normal
            equations.

        Examples
        --------
        >>> import numpy as np
        >>> import fastilt as ilt
        >>> t = np.linspace(0.001, 1, 200)
        >>> data = ilt.iltload(data=100 * np.exp(-t / 0.05), t=t)
        >>> data.init(np.logspace(-3, 1, 50), ilt.Exponential(),
        ...           parameters={"nn": True, "maxloop": 50})
        >>> data.initialized, data.g_guess, data.nn, data.maxloop
        (True, None, True, 50)

        A second ``init`` keeps the earlier settings unless ``reinitialize``:

        >>> data.init(parameters={"alpha_00": 2})
        >>> data.nn, data.alpha_00
        (True, 2)
        >>> data.init(np.logspace(-3, 1, 50), ilt.Exponential(), reinitialize=True)
        >>> data.nn, data.maxloop
        (False, 100)
        """
        vprint = print if check.check_verbose(verbose) > 0 else (lambda *a, **k: None)
        check.check_bool(reinitialize, "reinitialize")
        start = time.time()
        vprint("Initializing...")
        base = self.fit_dict if self.initialized and not reinitialize else default_parameters()
        fit_dict, user_parameters = merge_parameters(base, parameters)
        for name, value in zip(ARRAY_ARGUMENTS, (kernel, tau, dim_ndim, g_guess, sigma)):
            if value is not None:
                fit_dict[name] = value

        data = self.data
        config = resolve_configuration(data, list(self.t_input), self.user_t_spec, fit_dict)
        # The kernels' products here (Y, W) are NumPy's BLAS calls: on two threads they would
        # leave its second thread spinning for ~0.1 s into the compiled invert() that follows,
        # on a core the inversion wants (6% of a T1-T2 64 x 64 map, docs/performance.md).
        hold = backends.compiled.numpy_blas_on_one_thread() if compiled_available() else contextlib.nullcontext()
        with hold:
            K, statistics = kernel_matrices(config.kernel, config.t, config.tau)
            warn_zero_data(data)
            warn_uninformative_tau(config.kernel, K, statistics, config.t, config.tau)
            sparsity = kernel_sparsity(K, statistics)
            alt_g = fit_dict["alt_g"]
            # ILTpy's advice on alt_g holds for ILTpy's solves, which only the python backend
            # makes: the compiled one solves every alt_g through the same normal equations.
            if not compiled_available():
                if sparsity > 0.7 and alt_g != 0:
                    _warn("Setting alt_g equal to 0 may show better performance for this inversion.")
                if sparsity < 0.6 and alt_g == 0 and data.ndim > 1:
                    _warn("Setting alt_g equal to 6 may show better performance for this inversion.")
            sparse = sparsity >= fit_dict["sparse_threshold"] or fit_dict["force_sparse"]
            for d in range(data.ndim):
                if config.sb[d]:
                    K[d] = np.vstack((K[d], np.ones((1, K[d].shape[1]))))
            vprint("Initializing kernel matrices...")
            forward = build_forward_model(data, K, config, fit_dict, sparse)
        for name in ("mcomp", "mcompbar", "Y", "W"):
            if name in forward:
                require_finite_input(forward[name], name)

        # Everything is valid: only now does the object change.
        for name in ("K0comp", "W", "Vbc", "Y", "isigma", "Sigma", "mcompbar", "Is", "solver", "g", "fit", "residuals"):
            self.__dict__.pop(name, None)
        self.fit_dict = copy_settings(fit_dict)  # the one copy: nothing the caller holds is kept
        self.configuration = config
        self.__dict__.update(settings_by_iltpy_names(self.fit_dict, config))
        self.__dict__.update(forward)
        self.user_parameters = user_parameters
        self.dim_ndim = fit_dict["dim_ndim"]
        self.K = K
        self.K_sparsity = sparsity
        self.solver_type = solver_type_after_init(sparse)
        self.sparse_kernels = bool(sparse)  # solver_type changes with invert()
        self.Cz = [np.zeros(1) for _ in config.directions]
        self.penalty_model = PenaltyModel.from_configuration(config, self.fit_dict)
        self.system = NormalEquations(
            tuple(forward["kernel_blocks"]),
            None if "isigma" not in forward else forward["isigma"].diagonal(),
            bool(sparse),
            alt_g,
            tuple(config.sb),
            formed_A=forward.get("K0comp"),
            formed_W=forward.get("W"),
        )
        self.fit_dict_init = {name: getattr(self, name) for name in self.fit_dict}
        self.inverted = False
        self.initialized = True
        self.initialization_time = round(time.time() - start, 3)
        vprint(f"Initialization took {self.initialization_time} seconds.")

    def with_data(self, data):
        """A copy of this initialised object for other data of the same shape.

        The copy shares everything ``init`` built from the kernels and the
        settings (kernel matrices, compression, ``W``, the penalty model) and
        computes only what depends on the data (``mcomp``, ``Y``), so that
        inverting it gives exactly what ``iltload``/``init``/``invert`` of
        ``data`` alone give.  :func:`fastilt.invert_many` inverts stacks this way.
        """
        if not self.initialized:
            raise RuntimeError("with_data() needs an initialised IltData: call init() first")
        data = check.as_finite_array(data, "data").astype(float)
        if data.size != self.data.size or np.squeeze(data).shape != self.data.shape:
            raise ValueError(f"data of shape {data.shape} given for IltData of shape {self.data.shape}")
        item = copy.copy(self)
        for name in RESULT_ATTRIBUTES:
            item.__dict__.pop(name, None)
        item.inverted = False
        item.data = data.reshape(self.data.shape)
        system = self.system
        # Sparse kernels: Y from the sparse K0comp, as init formed it (formed once, then shared).
        sparse_operator = system.K0comp if system.sparse else None
        item.__dict__.update(
            data_terms(compress_data(item.data, self.U), system.blocks, sparse_operator, system.weights, self.alt_g)
        )
        return item

    @property
    def t_input(self):
        """The sampling vectors as given, flat (``init`` stores ``t`` as rows)."""
        return [np.ravel(t) for t in self.t]

    # ---------------------------------------------------------------- invert
    def _linear_step(self, solver):
        """``gamma -> g`` solved in Python: a data-space form, a user callable or ILTpy's default."""
        if self.alt_g != 0:
            return DataSpaceSolver(
                self.alt_g,
                self.K0comp,
                self.mcomp,
                weights=self.system.weights if self.alt_g == 4 else None,
                m_weighted=self.__dict__.get("mcompbar"),
            )
        solve = solver if callable(solver) else default_solver(check.is_sparse(self.W))
        W, Y = self.W, self.Y

        def step(gamma):
            g = np.ravel(np.asarray(solve(normal_equations_matrix(W, gamma), Y), dtype=float))
            if g.size != self.Nxtot:
                raise ValueError(f"solver returned {g.size} values, expected {self.Nxtot}")
            return g

        return step

    @functools.cached_property
    def Vbc(self):
        """ILTpy's boundary penalty: the ``alpha_bc`` terms on Γ's diagonal (sparse), formed on first use."""
        from scipy.sparse import diags_array  # SciPy where it is used (solvers.py)

        return diags_array(self.penalty_model.boundary)

    @functools.cached_property
    def K0comp(self):
        """ILTpy's compressed forward operator ``⊗_d B_d``, formed on first use."""
        return self.system.K0comp

    @functools.cached_property
    def W(self):
        """ILTpy's ``W = K0compᵀ Σ⁻² K0comp`` (alt_g 0), formed on first use (n² values)."""
        if self.alt_g != 0:
            raise AttributeError("W is only formed for alt_g = 0")
        return self.system.W

    def invert(self, solver=None, verbose=1, backend="auto"):
        """Run the regularised inversion; sets ``g``, ``fit``, ``residuals``, ``convergence``.

        Parameters
        ----------
        solver : None, str or callable, optional
            ``None`` or ``"auto"`` (chosen by size and structure), a built-in
            solver of the compiled backend (``"dense"``, ``"band"``,
            ``"cholmod"``, ``"superlu"``, ``"lowrank"``) or, as in ILTpy, a
            callable ``solver(A, b) -> g`` for ``(W + Γ) g = Y`` (``A`` a dense
            ndarray or a SciPy CSC matrix, ``b`` of shape ``(n, 1)``).
        verbose : int, default 1
            ``> 0`` shows a progress bar and messages; 0 is silent.
        backend : {"auto", "compiled", "python"}, default "auto"
            ``"compiled"``: the C++ core (the default where it was built);
            ``"python"``: the NumPy/SciPy implementation, which mirrors
            ILTpy's linear solves.  While a compiled inversion runs on the
            main thread, NumPy's and SciPy's BLAS run on one thread (the core
            shares out the cores itself); their thread counts come back after.

        Raises
        ------
        RuntimeError
            :meth:`init` has not run.
        ValueError
            An unknown solver or backend name, or a compiled-only solver with
            ``backend="python"``.
        ImportError
            ``backend="compiled"`` where the compiled core is not available.
        TypeError
            ``solver`` is neither None, a name nor a callable.

        Examples
        --------
        >>> import numpy as np
        >>> import fastilt as ilt
        >>> t = np.linspace(0.001, 1, 200)
        >>> noise = np.random.default_rng(0).normal(size=t.size)
        >>> data = ilt.iltload(data=100 * np.exp(-t / 0.05) + noise, t=t)
        >>> data.init(np.logspace(-3, 1, 50), ilt.Exponential())
        >>> data.invert(verbose=0)
        >>> data.inverted, len(data.convergence)
        (True, 100)

        The NumPy/SciPy backend gives the same distribution:

        >>> g = data.g.copy()
        >>> data.invert(verbose=0, backend="python")
        >>> print(np.allclose(data.g, g, rtol=1e-6, atol=1e-9 * np.abs(g).max()))
        True

        A user solver, as in ILTpy (here SciPy's sparse direct solver):

        >>> import scipy.sparse as sp
        >>> from scipy.sparse.linalg import spsolve
        >>> data.invert(solver=lambda A, b: spsolve(sp.csc_matrix(A), b), verbose=0)
        >>> print(np.allclose(data.g, g, rtol=1e-6, atol=1e-9 * np.abs(g).max()))
        True
        """
        if not self.initialized:
            raise RuntimeError(
                "invert() called on an uninitialized IltData object. Please call init() first."
            )
        # ILTpy 1.1's invert refuses a bool verbose (a ValueError; ArgumentTypeError is one)
        verbose = check.check_verbose(verbose, allow_bool=iltpy_version() == "1.0.0")
        backend = select_backend(backend)
        solver = check_solver(solver, backend)
        hold = backends.compiled.numpy_blas_on_one_thread() if backend == "compiled" else contextlib.nullcontext()
        with hold:
            self._invert(solver, verbose, backend)

    def _invert(self, solver, verbose, backend):
        """invert() after its arguments are checked: plan, iterate, store the results."""
        model = self.penalty_model
        plan = plan_inversion(self.system, model, backend, solver, self.maxloop, int(self.mcomp.size))
        require_plan_memory(plan, self.Nx)
        vprint = print if verbose > 0 else (lambda *a, **k: None)
        self.solver_type = solver_type_after_invert(self.alt_g, callable(solver), self.sparse_kernels)
        g_guess = None if self.g_guess is None else self.g_guess.copy()

        g_list = [] if self.store_g else None
        gamma_list = [] if self.store_gamma else None
        bar = _progress_bar(self.maxloop) if verbose > 0 else None

        def on_iteration(i, g_i, gamma_i):
            if i >= 0 and bar is not None:
                bar.update(1)
            if g_list is not None:
                g_list.append(g_i.reshape(self.Nx, order="F"))
            if gamma_list is not None:
                gamma_list.append(gamma_i())

        if verbose <= 0 and g_list is None and gamma_list is None:
            on_iteration = None  # nothing to report: the core's loop needs no call into Python

        vprint("Starting iterations ...")
        start = time.time()
        try:
            step = self._linear_step(solver) if backend == "python" or callable(solver) else None
            if backend == "python":
                from .fallback import PythonPenalties  # with SciPy, where it is used (solvers.py)

                g, gamma, convergence, Cz = iterate(
                    PythonPenalties(model), step, g_guess, self.maxloop, self.conv_limit, on_iteration
                )
            else:
                g, gamma, convergence, Cz = backends.compiled.run_compiled(
                    plan,
                    model,
                    self.system,
                    self.system.right_hand_side(self.mcomp, self.__dict__.get("Y")),
                    step,
                    g_guess,
                    self.maxloop,
                    self.conv_limit,
                    on_iteration,
                    m=np.ravel(self.mcomp),
                )
        except NonFiniteError as error:
            raise with_likely_cause(error, self, callable(solver)) from None
        finally:
            if bar is not None:
                bar.close()
        self.inversion_time = round(time.time() - start, 3)
        done = sum(c is not None for c in convergence)
        if done < self.maxloop:
            vprint(f"Convergence limit reached at iteration {done - 1}.")
        self.backend = backend
        self.solver = plan.solver
        self._store_results(g, gamma, convergence, Cz, g_list, gamma_list)
        vprint("Done.")

    @functools.cached_property
    def Gamma2(self):
        """The last iteration's Γ (sparse); the compiled backend's is formed on first access."""
        if "_gamma2_deferred" not in self.__dict__:
            raise AttributeError("Gamma2 is set by invert()")
        return self.__dict__.pop("_gamma2_deferred")()

    def _store_results(self, g, gamma, convergence, Cz, g_list, gamma_list):
        self.__dict__.pop("Gamma2", None)
        if callable(gamma):  # the compiled core's Γ arrays, made a SciPy matrix when read
            self._gamma2_deferred = gamma
        else:
            self.Gamma2 = gamma
        self.convergence = convergence
        self.Cz = Cz
        if g_list is not None:
            self.g_list = g_list
        if gamma_list is not None:
            self.gamma_list = gamma_list
        self.g_old = g.copy()
        self.g = g.reshape(self.Nx, order="F") if self.ndim > 1 else g
        self.fit = apply_per_dimension(self.g, [K.T for K in self.K])
        self.residuals = self.fit - self.data
        self.inverted = True

    def diagnostics(self, noise=1.0):
        """Can this result be trusted?  Residuals, tau range, convergence, lobes, degrees of freedom.

        Parameters
        ----------
        noise : float or NoiseEstimate, default 1.0
            The noise standard deviation of ``data``: 1 for data at unit noise
            (ILTpy's convention), or :func:`fastilt.estimate_noise`'s result.

        Returns
        -------
        Diagnosis
            One check per question, each with a verdict and what to change;
            ``str()`` of it is a table (:func:`fastilt.diagnose`).

        Examples
        --------
        >>> import numpy as np
        >>> import fastilt as ilt
        >>> t = np.linspace(1e-3, 2, 512)
        >>> s = 100 * np.exp(-t / 0.05) + np.random.default_rng(3).normal(size=t.size)
        >>> data = ilt.iltload(data=s, t=t)
        >>> data.init(np.logspace(-4, 1, 60), ilt.Exponential())
        >>> data.invert(verbose=0)
        >>> data.diagnostics().ok
        True
        """
        return diagnose(self, noise)

    # ------------------------------------------------------- statistics, report
    def iltstats(self, n=10, solver=None, n_jobs=-1, verbose=1, random_seed=None):
        """Uncertainty by ``n`` re-inversions of ``fit`` plus unit Gaussian noise.

        Parameters
        ----------
        n : int, default 10
            Number of noise samples (at least 2).
        solver : None, str or callable, optional
            Passed to :meth:`invert` of every re-inversion.
        n_jobs : int, default -1
            joblib workers; -1 uses all cores, 1 runs in this process.
        verbose : int, default 1
            joblib's verbosity.
        random_seed : int, optional
            Seed of NumPy's global random state; the same seed gives the same
            noise samples as ILTpy.

        Returns
        -------
        dict
            Also stored as ``statistics``; see :func:`fastilt.statistics.iltstats`.

        Raises
        ------
        RuntimeError
            The data have not been inverted.
        ValueError
            ``n < 2``.
        TypeError
            ``n`` is not an integer.

        Examples
        --------
        >>> import numpy as np
        >>> import fastilt as ilt
        >>> t = np.linspace(0.001, 1, 200)
        >>> noise = np.random.default_rng(0).normal(size=t.size)
        >>> data = ilt.iltload(data=100 * np.exp(-t / 0.05) + noise, t=t)
        >>> data.init(np.logspace(-3, 1, 50), ilt.Exponential())
        >>> data.invert(verbose=0)
        >>> stats = data.iltstats(n=3, n_jobs=1, verbose=0, random_seed=0)
        >>> len(stats["g_list"]), stats["g_std"].shape
        (3, (50,))
        >>> lower, upper = stats["g_conf_interval"]
        >>> print(bool(np.all(lower <= upper)))
        True
        """
        from .statistics import iltstats

        return iltstats(self, n=n, solver=solver, n_jobs=n_jobs, verbose=verbose, random_seed=random_seed)

    def report(self, filepath=None, save_arrays=False, level=0, parameters_to_file=False):
        """Write a text report (and optionally ``.param`` and ``.npz`` files) of the inversion.

        Parameters
        ----------
        filepath : str or path-like, optional
            The report file, or its folder; default ``./iltpy_<timestamp>.txt``.
        save_arrays : bool, default False
            Also write ``<name>.npz`` with the object's arrays.
        level : {0, 1, 2}, default 0
            What the ``.npz`` holds; see :func:`fastilt.iltreport`.
        parameters_to_file : bool, default False
            Also write the fit parameters to ``<name>.param`` (JSON), which
            ``init(parameters=path)`` reads back.

        Returns
        -------
        dict
            The paths written: ``"report"``, and ``"param"``/``"npz"`` when
            written.

        Raises
        ------
        NotInvertedError
            (a ``RuntimeError`` and a ``ValueError``) the data are not inverted.
        FileNotFoundError
            The destination folder does not exist.
        ValueError
            ``level`` is not 0, 1 or 2.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import numpy as np
        >>> import fastilt as ilt
        >>> t = np.linspace(0.001, 1, 200)
        >>> noise = np.random.default_rng(0).normal(size=t.size)
        >>> data = ilt.iltload(data=100 * np.exp(-t / 0.05) + noise, t=t)
        >>> data.init(np.logspace(-3, 1, 50), ilt.Exponential(), parameters={"nn": True})
        >>> data.invert(verbose=0)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     paths = data.report(Path(folder) / "decay", parameters_to_file=True)
        ...     # the .param file sets up another inversion the same way
        ...     again = ilt.iltload(data=data.data, t=t)
        ...     again.init(np.logspace(-3, 1, 50), ilt.Exponential(), parameters=paths["param"])
        Results saved at ...
        >>> sorted(p.name for p in paths.values())
        ['decay.param', 'decay.txt']
        >>> again.nn
        True
        """
        from .reporting import iltreport

        return iltreport(
            self,
            filepath=filepath,
            save_arrays=save_arrays,
            level=level,
            parameters_to_file=parameters_to_file,
        )
