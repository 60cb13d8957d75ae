"""The forward operator and the data side of the normal equations.

``A`` is the (compressed) kernel ``K_N^T ⊗ ... ⊗ K_1^T`` acting on ``g`` flattened
in Fortran order, ``m`` the (compressed) data and ``Σ`` the per-point noise sd.
For ``alt_g == 0`` the normal equations ``W = Aᵀ Σ⁻² A`` and ``Y = Aᵀ Σ⁻² m`` are
formed once here; the data-space forms (alt_g 2/4/6/8) keep ``A`` and ``m``.
"""

import math
from typing import NamedTuple

import numpy as np

from .guards.memory import product_bytes, require
from .validation import all_finite, is_sparse
from .kernels import Identity

try:
    from ._linalg import gram as _compiled_gram
    from ._linalg import matvec as _compiled_matvec
    from ._linalg import row_summary as _compiled_row_summary
except ImportError:  # built without the extensions: NumPy forms BᵀB, K x and reads K
    _compiled_gram = _compiled_matvec = _compiled_row_summary = None

__all__ = [
    "kernel_matrices",
    "kernel_statistics",
    "KernelStatistics",
    "kernel_sparsity",
    "gram",
    "is_identity",
    "kronecker_operator",
    "kronecker_transpose_apply",
    "repeated_block",
    "repeated_block_dimensions",
    "apply_per_dimension",
    "matrix_vector",
    "normal_equations",
    "normal_matrix",
    "normal_projection",
    "normal_matrix_pattern",
    "build_forward_model",
    "compress_data",
    "data_terms",
]


class KernelStatistics(NamedTuple):
    """What ``init`` checks of a dense kernel matrix, read in one pass."""

    finite: bool  # no NaN or infinity
    nonzeros: int
    row_max: np.ndarray  # per tau
    row_min: np.ndarray


def kernel_statistics(K):
    """:class:`KernelStatistics` of the dense ``K`` (by the compiled core where it was built)."""
    if _compiled_row_summary is not None:
        return KernelStatistics(*_compiled_row_summary(K))
    if K.shape[1] == 0:
        return KernelStatistics(True, 0, np.full(K.shape[0], -np.inf), np.full(K.shape[0], np.inf))
    return KernelStatistics(all_finite(K), int(np.count_nonzero(K)), K.max(axis=1), K.min(axis=1))


def kernel_matrices(kernels, t, tau):
    """``K_d = kernel_d(t_d, tau_d)`` of shape ``(Ntau_d, Nt_d)`` for each dimension, and their statistics.

    Returns ``(matrices, statistics)``: the :class:`KernelStatistics` of each
    dense ``K_d`` (None for Identity).  The Identity kernel of a non-inverted
    dimension is kept sparse: a dense identity of a 32768-point spectral axis
    alone would take 8.6 GB.
    """
    matrices, statistics = [], []
    for d, (kernel, t_d, tau_d) in enumerate(zip(kernels, t, tau)):
        if kernel.name == Identity.name:
            from scipy.sparse import identity  # SciPy where it is used (solvers.py)

            matrices.append(identity(t_d.size, format="csr"))
            statistics.append(None)
            continue
        K = np.asarray(kernel.kernel(t_d, tau_d))
        if np.iscomplexobj(K):
            raise TypeError(
                f"kernel {kernel.name!r} returned complex values in dimension {d}; "
                "return the real or the imaginary part (see RealRcKernel / ImagRcKernel)"
            )
        K = K.astype(float, copy=False)
        expected = (tau_d.size, t_d.size)
        if K.shape != expected:
            raise ValueError(
                f"kernel {kernel.name!r} returned shape {K.shape} in dimension {d}; "
                f"expected (len(tau), len(t)) = {expected}"
            )
        read = kernel_statistics(K)
        if not read.finite:
            raise ValueError(f"kernel {kernel.name!r} returned NaN or inf in dimension {d}")
        matrices.append(K)
        statistics.append(read)
    return matrices, statistics


def kernel_sparsity(matrices, statistics):
    """Fraction of zeros in the Kronecker product of ``matrices`` (their :func:`kernel_matrices` statistics)."""
    nonzeros = math.prod(float(K.nnz if read is None else read.nonzeros) for K, read in zip(matrices, statistics))
    size = math.prod(float(K.shape[0] * K.shape[1]) for K in matrices)
    return 1 - nonzeros / size


def matrix_vector(M, x):
    """``M @ x`` for a vector ``x``: by the compiled core for a dense ``M`` where it was built.

    The core's product is as fast as BLAS's, without NumPy's first-call
    set-up of a matrix product, which a small 1D inversion would pay for its
    ``Y`` and its ``fit`` (measurement notes in docs/performance.md).
    """
    if _compiled_matvec is not None and type(M) is np.ndarray and M.dtype == np.float64 and x.dtype == np.float64:
        return _compiled_matvec(M, x)
    return M @ x


def apply_per_dimension(x, matrices):
    """``(M_N ⊗ ... ⊗ M_1) vec_F(x)`` as an array: ``M_d`` applied along axis ``d``.

    ``None`` stands for the identity; ``M_d`` may be sparse.
    """
    x = np.asarray(x)
    if x.ndim == 1:
        return x if matrices[0] is None else matrix_vector(matrices[0], x)
    for d, M in enumerate(matrices):
        if M is None:
            continue
        if is_sparse(M):
            moved = np.moveaxis(x, d, 0)
            product = M @ moved.reshape(moved.shape[0], -1)
            x = np.moveaxis(np.asarray(product).reshape((M.shape[0],) + moved.shape[1:]), 0, d)
        else:
            x = np.moveaxis(np.tensordot(M, x, axes=(1, d)), 0, d)
    return x


def _compress(K, s, use_svds):
    """Truncated SVD of ``Kᵀ``: returns ``U`` (Nt x s) and the compressed block (s x Ntau)."""
    if use_svds and s < min(K.shape):
        from scipy.sparse.linalg import svds

        u, d, vt = svds(K.T, s, solver="propack")
        order = np.argsort(d)[::-1]
        u, d, vt = u[:, order], d[order], vt[order]
    else:
        from scipy.linalg import svd

        u, d, vt = svd(K.T, full_matrices=False)
    return u[:, :s], d[:s, None] * vt[:s]


def normal_equations(A, m, weights=None):
    """``W = Aᵀ Σ⁻² A`` and ``Y = Aᵀ Σ⁻² m`` (``weights = 1/σ``, or None for unit noise)."""
    return normal_matrix(A, weights), normal_projection(A, m, weights)


def normal_matrix(A, weights=None):
    """``W = Aᵀ Σ⁻² A``: the data-independent side of the normal equations."""
    if weights is None:
        return A.T @ A
    w2 = weights**2
    if not is_sparse(A):
        return A.T @ (w2[:, None] * A)
    from scipy.sparse import diags_array  # loaded already: A is sparse

    return A.T @ (diags_array(w2) @ A)


def normal_projection(A, m, weights=None):
    """``Y = Aᵀ Σ⁻² m``: the data side of the normal equations."""
    return A.T @ m if weights is None else A.T @ (weights[:, None] ** 2 * m)


def _entries(matrix):
    return matrix.count_nonzero() if is_sparse(matrix) else np.count_nonzero(matrix)


def normal_matrix_pattern(blocks):
    """``(entries, lower bandwidth)`` of ``W = ⊗_d B_dᵀB_d`` from the blocks, without forming ``W``.

    Noise weights (``AᵀΣ⁻²A``) keep the pattern.  Entry ``(i, j)`` of ``W`` is
    non-zero where every per-dimension Gram matrix is, and index offsets add
    up with the Fortran-order strides.
    """
    entries, bandwidth, stride = 1, 0, 1
    for B in blocks:
        gram = B.T @ B
        if is_sparse(gram):
            rows, columns = gram.nonzero()
            lower = int(np.max(rows - columns, initial=0))
            entries *= rows.size
        else:
            mask = gram != 0
            last = mask.shape[0] - 1 - np.argmax(mask[::-1], axis=0)  # last non-zero row per column
            used = mask.any(axis=0)
            lower = int(np.max((last - np.arange(mask.shape[1]))[used], initial=0))
            entries *= int(np.count_nonzero(mask))
        bandwidth += stride * lower
        stride *= gram.shape[0]
    return entries, bandwidth


def kronecker_operator(blocks, sparse=False):
    """``B_N ⊗ ... ⊗ B_1`` (dimension 0 fastest): ILTpy's ``K0comp`` from its blocks.

    One dense block is returned as it is (no copy).
    """
    if len(blocks) == 1 and not sparse and not is_sparse(blocks[0]):
        return blocks[0]
    if sparse:
        import scipy.sparse as sp  # SciPy where it is used (solvers.py)

        A = sp.csr_array(np.ones((1, 1)))
        for block in blocks:
            A = sp.kron(sp.csr_array(block), A, format="csr")
        return A
    A = np.ones((1, 1))
    for block in blocks:
        A = np.kron(block.toarray() if is_sparse(block) else block, A)
    return A


def gram(B):
    """``BᵀB`` of a kernel block (sparse for a sparse block).

    A dense block goes through the compiled core (its own kernel up to 128
    columns, BLAS dsyrk on one thread above): NumPy's first matrix product in a
    process starts its BLAS thread pool, half of a first 1D inversion's time
    (measurement notes in docs/performance.md).
    """
    if is_sparse(B) or _compiled_gram is None:
        return B.T @ B
    return _compiled_gram(B)


def is_identity(B):
    """Is the kernel block ``B`` exactly the identity (a dimension kept as it is)?"""
    n = B.shape[0]
    if B.shape != (n, n):
        return False
    if is_sparse(B):
        import scipy.sparse as sp  # loaded already: B is sparse

        return B.nnz == n and (sp.csr_array(B) != sp.eye_array(n, format="csr")).nnz == 0
    return np.array_equal(B, np.eye(n))


def repeated_block_dimensions(blocks, weighted=False, sb=()):
    """How many leading dimensions make up ``B`` when ``W = I ⊗ B`` exactly, else None.

    That holds when ``W`` is ``⊗_d B_dᵀB_d`` (no noise weights in it, no static
    baseline) and the trailing blocks are identities: data inverted along its
    leading dimensions only, the others kept as they are (a pseudo-2D series of
    spectra).
    """
    if weighted or any(sb):
        return None
    lead = len(blocks)
    while lead > 0 and is_identity(blocks[lead - 1]):
        lead -= 1
    return None if lead in (0, len(blocks)) else lead


def repeated_block(blocks, weighted=False, sb=()):
    """``B`` when ``W = I ⊗ B`` exactly (:func:`repeated_block_dimensions`), else None.

    ``W`` is then block diagonal with every block ``B`` (dense, the product of
    the leading ``B_dᵀB_d``), and a band solver needs nothing else.
    """
    lead = repeated_block_dimensions(blocks, weighted, sb)
    return None if lead is None else kronecker_operator([gram(B) for B in blocks[:lead]])


def kronecker_transpose_apply(blocks, v):
    """``(⊗_d B_d)ᵀ v`` as a column, one dimension at a time (no Kronecker product formed)."""
    tensor = np.reshape(v, [B.shape[0] for B in blocks], order="F")
    return apply_per_dimension(tensor, [B.T for B in blocks]).ravel(order="F")[:, None]


def build_forward_model(data, K, config, p, sparse):
    """Compressed operator, data and (for alt_g 0) the normal equations.

    ``K`` are the kernel matrices (with the baseline row added where ``sb``);
    returns a dict of ILTpy's attribute names, and ``kernel_blocks`` (the
    per-dimension factors of ``K0comp``).  For dense kernels ``K0comp`` and
    ``W`` are left out: ``IltData`` forms them on first use, since for data
    inverted in every dimension they take gigabytes that the compiled low-rank
    solver never needs.  Sparse kernels with alt_g 0 keep ``W`` but not
    ``K0comp`` (formed again on first use): the iterations need only ``W``.
    """
    ndim = data.ndim
    blocks, U = [], []
    for d in range(ndim):
        if config.compress[d]:
            u, block = _compress(K[d], config.s[d], p["use_svds"])
        else:
            u, block = None, K[d].T  # no projection: an implicit identity
        U.append(u)
        blocks.append(block)

    out = {"kernel_blocks": blocks, "U": U}
    A = None
    if sparse:
        entries_a = int(np.prod([float(_entries(B)) for B in blocks]))
        entries_w = normal_matrix_pattern(blocks)[0] if p["alt_g"] == 0 else 0
        require(
            {"the sparse operator A": product_bytes(entries_a, 0), "W = AᵀA": product_bytes(0, entries_w)},
            "forming the sparse normal equations",
            "use fewer tau points or compress=True (fewer data rows)",
        )
        A = kronecker_operator(blocks, sparse=True)
        if p["alt_g"] != 0:
            out["K0comp"] = A  # alt_g 0 needs only W and Y: K0comp is formed again on first use

    alt_g, sigma = p["alt_g"], config.sigma
    weights = None
    if sigma is not None and alt_g in (0, 4):
        Sigma = sigma
        for d in range(ndim):
            if config.compress[d]:
                # A compressed dimension has no per-point noise left: use the RMS sd.
                shape = list(Sigma.shape)
                shape[d] = config.s[d]
                Sigma = np.full(shape, np.sqrt(np.mean(Sigma**2)))
        out["Sigma"] = Sigma
        weights = 1.0 / Sigma.ravel(order="F")
        from scipy.sparse import diags_array  # SciPy where it is used (solvers.py)

        out["isigma"] = diags_array(weights)
    if alt_g == 0 and sparse and repeated_block_dimensions(blocks, weights is not None, config.sb) is None:
        out["W"] = normal_matrix(A, weights)  # with W = I ⊗ B, formed only if asked for (IltData.W)
    out.update(data_terms(compress_data(data, U), blocks, A, weights, alt_g))
    return out


def compress_data(data, U):
    """The data in the space of the kernel blocks (``U_dᵀ`` along each compressed axis), as a column."""
    return apply_per_dimension(data, [None if u is None else u.T for u in U]).ravel(order="F")[:, None]


def data_terms(m, blocks, sparse_operator, weights, alt_g):
    """What depends on the data once the kernels are set: ILTpy's ``mcomp``, ``mcompbar``, ``Y``.

    ``m`` is the compressed data (:func:`compress_data`), ``sparse_operator``
    the sparse ``K0comp`` (None for dense kernels: ``Y`` is then formed one
    dimension at a time), ``weights`` ``1/σ`` or None.  Everything else of
    :func:`build_forward_model` is shared by all data of one shape and setting.
    """
    out = {"mcomp": m}
    if weights is not None and alt_g == 4:
        out["mcompbar"] = weights[:, None] * m
    if alt_g == 0:
        if sparse_operator is not None:
            out["Y"] = normal_projection(sparse_operator, m, weights)
        else:
            out["Y"] = kronecker_transpose_apply(blocks, m if weights is None else weights[:, None] ** 2 * m)
    return out
