"""``IltData``: data, settings and results of one inversion (ILTpy's main class)."""

import copy
import functools
import logging
import time

import numpy as np
import scipy.sparse as sp
from tqdm.auto import tqdm

from . import validation as check
from .configuration import resolve_configuration
from .fallback import PythonPenalties, iterate
from .forward_model import (
    apply_per_dimension,
    build_forward_model,
    kernel_matrices,
    kernel_sparsity,
    kronecker_operator,
    kronecker_transpose_apply,
    normal_equations,
)
from .parameters import ARRAY_ARGUMENTS, default_parameters, merge_parameters
from .penalty_model import PenaltyModel
from .backends import check_solver, compiled_available, select_backend
from .errors import NonFiniteError
from .guards.degenerate import warn_uninformative_tau, warn_zero_data
from .guards.finite import require_finite_input, with_likely_cause
from .guards.preflight import require_inversion_memory
from .solvers import DataSpaceSolver, default_solver, normal_equations_matrix

__all__ = ["IltData"]

logger = logging.getLogger("fastilt")


def _warn(message):
    import warnings

    warnings.warn(message, UserWarning, stacklevel=4)


class IltData:
    """Data to invert, the fit settings and, after :meth:`invert`, the results.

    Created by :func:`fastilt.iltload`.  After :meth:`init` and :meth:`invert` it
    holds ILTpy's attributes: ``g`` (distribution on the ``tau`` grid), ``fit``,
    ``residuals`` (``fit - data``), ``convergence``, ``inversion_time``, ``W``,
    ``Y``, ``Gamma2``, ``Nx``, ``Nxtot``, ``t``, ``tau``, ``kernel``, ...
    """

    def __init__(self, data_dict):
        self.inception = time.time()
        self.dataset_type = data_dict.get("dataset_type", "ndarray")
        self.filepath = data_dict.get("filepath")
        data = check.as_finite_array(data_dict["data"], "data").astype(float)
        dims = data_dict["dims"]
        dims = list(dims) if isinstance(dims, (list, tuple)) else [dims]
        if data.ndim > 1 and 1 in data.shape:
            keep = [i for i, n in enumerate(data.shape) if n != 1]
            if len(dims) == data.ndim:
                dims = [dims[i] for i in keep]
            data = np.squeeze(data)
            data = data.reshape(-1) if data.ndim == 0 else data
        if data.ndim > 3:
            raise ValueError(f"data with {data.ndim} dimensions is not supported (1D to 3D)")
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
        self.data_dict = copy.deepcopy(data_dict)
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

        ``parameters`` is a dict or the path of a ``.param`` file; unknown names
        raise ``KeyError``.  On an initialised object the earlier settings are
        kept unless ``reinitialize=True``.  Everything is validated before any
        attribute changes, so a failed ``init`` leaves the object as it was.

        Warnings: all-zero data; a tau grid over which a kernel is essentially
        constant or zero at every t.  ILTpy's hints to set ``alt_g`` to 0 or 6
        are given only where the compiled core is missing: the compiled
        backend solves every ``alt_g`` through the same normal equations.
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
        K = kernel_matrices(config["kernel"], config["t"], config["tau"])
        warn_zero_data(data)
        warn_uninformative_tau(config["kernel"], K, config["t"], config["tau"])
        sparsity = kernel_sparsity(K)
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
            if config["sb"][d]:
                K[d] = np.vstack((K[d], np.ones((1, K[d].shape[1]))))
        vprint("Initializing kernel matrices...")
        forward = build_forward_model(data, K, config, fit_dict, sparse)
        for name in ("mcomp", "mcompbar", "Y", "W"):
            if name in forward:
                require_finite_input(forward[name], name)

        # Everything is valid: only now does the object change.
        for name in ("K0comp", "W", "Y", "isigma", "Sigma", "mcompbar", "g", "fit", "residuals"):
            self.__dict__.pop(name, None)
        self.fit_dict = copy.deepcopy(fit_dict)
        self.__dict__.update({k: v for k, v in fit_dict.items() if k not in config})
        self.__dict__.update(config)
        self.__dict__.update(forward)
        self.user_parameters = user_parameters
        self.dim_ndim = fit_dict["dim_ndim"]
        self.K = K
        self.K_sparsity = sparsity
        self.solver_type = "default-sparse" if sparse else "default-dense"
        self.Cz = [np.zeros(1) for _ in config["directions"]]
        self.penalty_model = PenaltyModel.from_attributes(self)
        self.Vbc = sp.diags_array(self.penalty_model.boundary)
        self.fit_dict_init = {name: getattr(self, name) for name in self.fit_dict}
        self.inverted = False
        self.initialized = True
        self.initialization_time = round(time.time() - start, 3)
        vprint(f"Initialization took {self.initialization_time} seconds.")

    @property
    def t_input(self):
        """The sampling vectors as given (before ``init`` reshaped them to rows)."""
        return [np.ravel(t) for t in self.t]

    # ---------------------------------------------------------------- invert
    def _linear_step(self, solver):
        """``gamma -> g`` solved in Python: a data-space form, a user callable or ILTpy's default."""
        if self.alt_g != 0:
            return DataSpaceSolver(
                self.alt_g,
                self.K0comp,
                self.mcomp,
                weights=self.isigma.diagonal() if self.alt_g == 4 and "isigma" in self.__dict__ else None,
                m_weighted=self.__dict__.get("mcompbar"),
            )
        solve = solver if callable(solver) else default_solver(sp.issparse(self.W))
        W, Y = self.W, self.Y

        def step(gamma):
            g = np.ravel(np.asarray(solve(normal_equations_matrix(W, gamma), Y), dtype=float))
            if g.size != self.Nxtot:
                raise ValueError(f"solver returned {g.size} values, expected {self.Nxtot}")
            return g

        return step

    @functools.cached_property
    def K0comp(self):
        """ILTpy's compressed forward operator ``⊗_d B_d``, formed on first use."""
        return kronecker_operator(self.kernel_blocks)

    @functools.cached_property
    def W(self):
        """ILTpy's ``W = K0compᵀ Σ⁻² K0comp`` (alt_g 0), formed on first use (n² values)."""
        if self.alt_g != 0:
            raise AttributeError("W is only formed for alt_g = 0")
        if "isigma" in self.__dict__:
            W = normal_equations(self.K0comp, self.mcomp, self.isigma.diagonal())[0]
        else:
            W = kronecker_operator([B.T @ B for B in self.kernel_blocks])
        require_finite_input(W, "W")
        return W

    def _normal_equations(self):
        """``W`` (a callable: formed only if the solver needs it) and ``Y`` for the compiled backend.

        The data-space forms (alt_g 2/4/6/8) give the normal-equation answer up
        to rounding (ILTpy's own alt_g 6 and alt_g 0 references agree to 3e-9),
        so the compiled backend solves their normal equations: a factorisation
        of n unknowns instead of one of the data size per iteration.
        """
        if self.alt_g == 0:
            return (lambda: self.W), self.Y
        weights = self.isigma.diagonal() if self.alt_g == 4 and "isigma" in self.__dict__ else None
        m = self.mcomp if weights is None else weights[:, None] ** 2 * self.mcomp
        Y = require_finite_input(kronecker_transpose_apply(self.kernel_blocks, m), "Y")

        def form_W():
            return require_finite_input(normal_equations(self.K0comp, self.mcomp, weights)[0], "W")

        return form_W, Y

    def _kronecker_form(self):
        """``(blocks, m)`` when ``W = ⊗ B_dᵀB_d`` and ``Y = (⊗ B_d)ᵀ m`` hold exactly, else None.

        That is data inverted in every dimension (no Identity kernel), dense
        blocks and no noise weights: what the low-rank solver needs.
        """
        weighted = "isigma" in self.__dict__ and self.alt_g in (0, 4)
        if self.ndim < 2 or weighted or any(self.sb) or any(sp.issparse(B) for B in self.kernel_blocks):
            return None
        return self.kernel_blocks, np.ravel(self.mcomp)

    def invert(self, solver=None, verbose=1, backend="auto"):
        """Run the regularised inversion; sets ``g``, ``fit``, ``residuals``, ``convergence``.

        ``solver`` is ``None``/``"auto"``, a built-in solver name (``"dense"``,
        ``"band"``, ``"cholmod"``, ``"superlu"``; see :mod:`fastilt.compiled`) or,
        as in ILTpy, a callable ``solver(A, b) -> g`` for ``(W + Γ) g = Y``
        (``A`` a dense ndarray or a SciPy CSC matrix, ``b`` of shape (n, 1)).
        ``backend`` is ``"auto"`` (compiled where built), ``"compiled"`` or
        ``"python"`` (the NumPy/SciPy implementation, mirroring ILTpy's solves).
        ``verbose > 0`` shows a progress bar.
        """
        if not self.initialized:
            raise RuntimeError(
                "invert() called on an uninitialized IltData object. Please call init() first."
            )
        verbose = check.check_verbose(verbose)
        backend = select_backend(backend)
        solver = check_solver(solver, backend)
        require_inversion_memory(self, backend, solver)
        vprint = print if verbose > 0 else (lambda *a, **k: None)
        if self.alt_g != 0:
            self.solver_type = "alt_g"
        elif callable(solver):
            self.solver_type = "user-defined"
        else:
            self.solver_type = "default-sparse" if sp.issparse(self.__dict__.get("K0comp")) else "default-dense"
        model = self.penalty_model
        g_guess = None if self.g_guess is None else self.g_guess.copy()

        g_list = [] if self.store_g else None
        gamma_list = [] if self.store_gamma else None
        bar = tqdm(total=self.maxloop, disable=verbose <= 0, desc="fastilt", unit="it")

        def on_iteration(i, g_i, gamma_i):
            if i >= 0:
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
            if backend == "python":
                step = self._linear_step(solver)
                gamma = sp.diags_array(np.full(model.size, model.initial_scale)).tocsc()
                g0 = g_guess if g_guess is not None else step(gamma)
                g, gamma, convergence, Cz = iterate(
                    PythonPenalties(model), step, g0, gamma, self.maxloop, self.conv_limit, on_iteration
                )
            else:
                from .compiled import run_compiled

                W, Y = self._normal_equations()
                g, gamma, convergence, Cz = run_compiled(
                    model,
                    W,
                    Y,
                    self._linear_step(solver) if callable(solver) else (solver or "auto"),
                    g_guess,
                    self.maxloop,
                    self.conv_limit,
                    on_iteration,
                    kronecker=self._kronecker_form(),
                )
        except NonFiniteError as error:
            raise with_likely_cause(error, self, callable(solver)) from None
        finally:
            bar.close()
        self.inversion_time = round(time.time() - start, 3)
        done = sum(c is not None for c in convergence)
        if done < self.maxloop:
            vprint(f"Convergence limit reached at iteration {done - 1}.")
        self.backend = backend
        self._store_results(g, gamma, convergence, Cz, g_list, gamma_list)
        vprint("Done.")

    def _store_results(self, g, gamma, convergence, Cz, g_list, gamma_list):
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

    # ------------------------------------------------------- statistics, report
    def iltstats(self, n=10, solver=None, n_jobs=-1, verbose=1, random_seed=None):
        """Uncertainty by ``n`` re-inversions of ``fit`` plus unit Gaussian noise.

        Sets ``statistics`` (see :func:`fastilt.statistics.iltstats`).
        """
        from .statistics import iltstats

        return iltstats(self, n=n, solver=solver, n_jobs=n_jobs, verbose=verbose, random_seed=random_seed)

    def report(self, filepath=None, save_arrays=False, level=0, parameters_to_file=False):
        """Write a text report (and optionally ``.param`` and ``.npz`` files) of the inversion."""
        from .reporting import iltreport

        return iltreport(
            self,
            filepath=filepath,
            save_arrays=save_arrays,
            level=level,
            parameters_to_file=parameters_to_file,
        )
