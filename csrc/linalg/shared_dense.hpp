// The dense single-precision steps of a large supernode (Γ's top separators
// in 3D: a 1504-column root under a 480-column one, a quarter of a T1-T2-D
// factorisation, which the two groups of subtrees leave to one core) in
// blocks shared out over the free cores (free_cores.hpp).
//
// Each block is one BLAS call whose operands do not depend on the thread
// that makes it, so the factor is the same bits on one thread or two.  The
// parts are many and small, so a helper that shares its core with another
// process takes fewer of them instead of holding the caller back.
#pragma once

namespace fastilt {

// Supernodes whose dense work (columns² x rows) is at least this are
// factored by the functions below; smaller ones by one BLAS call each.
constexpr double kSharedDenseWork = 2.0e8;

// a (n x n, leading dimension lda) := its Cholesky factor L in the lower
// triangle, as spotrf('L'); by panels of kSharedPanel columns.  Returns
// LAPACK's info (0, or the order of the leading minor not positive).
int shared_cholesky(float* a, int n, int lda);

// b (m x n, leading dimension ldb) := b L⁻ᵀ for the lower triangular l
// (n x n, leading dimension ldl), by blocks of rows.
void shared_solve_rows(const float* l, int n, int ldl, float* b, int m, int ldb);

// c (m x m, leading dimension ldc; lower triangle) := alpha b bᵀ + beta c
// for b (m x k, leading dimension ldb), by blocks of columns.
void shared_rank_update(const float* b, int m, int k, int ldb, float alpha, float beta, float* c, int ldc);

}  // namespace fastilt
