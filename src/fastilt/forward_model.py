"""The forward operator and the data side of the normal equations.

``A`` is the (compressed) kernel ``K_N^T ⊗ ... ⊗ K_1^T`` acting on ``g`` flattened
in Fortran order, ``m`` the (compressed) data and ``Σ`` the per-point noise sd.
For ``alt_g == 0`` the normal equations ``W = Aᵀ Σ⁻² A`` and ``Y = Aᵀ Σ⁻² m`` are
formed once here; the data-space forms (alt_g 2/4/6/8) keep ``A`` and ``m``.
"""

import numpy as np
import scipy.sparse as sp
from scipy.linalg import svd
from scipy.sparse.linalg import svds

__all__ = ["kernel_matrices", "kernel_sparsity", "apply_per_dimension", "build_forward_model"]


def kernel_matrices(kernels, t, tau):
    """``K_d = kernel_d(t_d, tau_d)`` of shape ``(Ntau_d, Nt_d)`` for each dimension."""
    matrices = []
    for d, (kernel, t_d, tau_d) in enumerate(zip(kernels, t, tau)):
        K = np.asarray(kernel.kernel(t_d, tau_d), dtype=float)
        expected = (tau_d.size, t_d.size)
        if K.shape != expected:
            raise ValueError(
                f"kernel {kernel.name!r} returned shape {K.shape} in dimension {d}; "
                f"expected (len(tau), len(t)) = {expected}"
            )
        if not np.all(np.isfinite(K)):
            raise ValueError(f"kernel {kernel.name!r} returned NaN or inf in dimension {d}")
        matrices.append(K)
    return matrices


def kernel_sparsity(matrices):
    """Fraction of zeros in the Kronecker product of ``matrices``."""
    nonzeros = np.prod([float(np.count_nonzero(K)) for K in matrices])
    size = np.prod([float(K.size) for K in matrices])
    return 1 - nonzeros / size


def apply_per_dimension(x, matrices):
    """``(M_N ⊗ ... ⊗ M_1) vec_F(x)`` as an array: ``M_d`` applied along axis ``d``."""
    x = np.asarray(x)
    if x.ndim == 1:
        return matrices[0] @ x
    for d, M in enumerate(matrices):
        x = np.moveaxis(np.tensordot(M, x, axes=(1, d)), 0, d)
    return x


def _compress(K, s, use_svds):
    """Truncated SVD of ``Kᵀ``: returns ``U`` (Nt x s) and the compressed block (s x Ntau)."""
    if use_svds and s < min(K.shape):
        u, d, vt = svds(K.T, s, solver="propack")
        order = np.argsort(d)[::-1]
        u, d, vt = u[:, order], d[order], vt[order]
    else:
        u, d, vt = svd(K.T, full_matrices=False)
    return u[:, :s], d[:s, None] * vt[:s]


def build_forward_model(data, K, config, p, sparse):
    """Compressed operator, data and (for alt_g 0) the normal equations.

    ``K`` are the kernel matrices (with the baseline row added where ``sb``);
    returns a dict of ILTpy's attribute names.
    """
    ndim = data.ndim
    blocks, U = [], []
    for d in range(ndim):
        if config["compress"][d]:
            u, block = _compress(K[d], config["s"][d], p["use_svds"])
        else:
            u, block = np.eye(data.shape[d]), K[d].T
        U.append(u)
        blocks.append(block)

    A = sp.csr_array(np.ones((1, 1))) if sparse else np.ones((1, 1))
    for block in blocks:
        A = sp.kron(sp.csr_array(block), A, format="csr") if sparse else np.kron(block, A)
    m = apply_per_dimension(data, [u.T for u in U]).ravel(order="F")[:, None]

    out = {"K0comp": A, "U": U, "mcomp": m}
    out["Is"] = sp.eye_array(A.shape[0], format="csr") if sparse else np.eye(A.shape[0])

    alt_g, sigma = p["alt_g"], config["sigma"]
    weights = None
    if sigma is not None and alt_g in (0, 4):
        Sigma = sigma
        for d in range(ndim):
            if config["compress"][d]:
                # A compressed dimension has no per-point noise left: use the RMS sd.
                shape = list(Sigma.shape)
                shape[d] = config["s"][d]
                Sigma = np.full(shape, np.sqrt(np.mean(Sigma**2)))
        out["Sigma"] = Sigma
        weights = 1.0 / Sigma.ravel(order="F")
        out["isigma"] = sp.diags_array(weights)
        if alt_g == 4:
            out["mcompbar"] = weights[:, None] * m
    if alt_g == 0:
        if weights is None:
            out["W"] = A.T @ A
            out["Y"] = A.T @ m
        else:
            weighted = sp.diags_array(weights**2) @ A if sparse else (weights**2)[:, None] * A
            out["W"] = A.T @ weighted
            out["Y"] = A.T @ (weights[:, None] ** 2 * m)
    return out
