// fastilt's own Cholesky factorisation, left-looking by panels of 4 columns
// with AVX2/FMA register blocking, for two kinds of matrix that LAPACK
// handles slowly (docs/performance.md):
// - small dense ones (n up to a few hundred): the 100 x 100 systems that a 1D
//   inversion factors (and solves with) a hundred times.  At that size
//   LAPACK's blocked dpotrf spends half its time packing blocks and
//   allocating buffers (the two are even from n ~ 150 up, so
//   kSmallCholeskyMax stays below);
// - bands of half-width kd ~ 70 (a pseudo-2D system), where dpbtrf works on
//   blocks of 32 columns through calls of BLAS that pack them first.
// The callers fall back to LAPACK on CPUs without AVX2/FMA and on other
// architectures.
#pragma once

#include <cstdint>

namespace fastilt {

constexpr std::int64_t kSmallCholeskyMax = 128;

// True where small_cholesky_factor can run (x86-64 with AVX2 and FMA).
bool small_cholesky_available();

// a (n x n, column-major) := L in its lower triangle, as LAPACK dpotrf('L')
// does; only the lower triangle is read or written.  Returns 0, or j + 1
// when the leading minor of order j + 1 is not positive definite (LAPACK's
// info).  Needs small_cholesky_available().
int small_cholesky_factor(double* a, int n);

// The same kernel on a band matrix (n up to INT_MAX) in LAPACK lower band
// storage with leading dimension ld >= kd + 1 + kBandPadding, whose slots
// below each column's kd + 1 entries are zero (they stay zero): columns
// [first_column, last_column), the columns before already factored, those
// after not read (first_column a multiple of 4).  Returns as
// small_cholesky_factor.  Needs small_cholesky_available().
constexpr std::int64_t kBandPadding = 11;
int band_panel_cholesky_factor(double* ab, std::int64_t n, std::int64_t kd, std::int64_t ld,
                               std::int64_t first_column, std::int64_t last_column);

// b := (L Lᵀ)⁻¹ b for L (n <= kSmallCholeskyMax) from small_cholesky_factor (one right-hand side):
// the two triangular solves by blocks of 4, without LAPACK dpotrs, whose
// dtrsm packs L into a buffer first (a third of the solve at n = 100).
// Needs small_cholesky_available().
void small_cholesky_solve(const double* l, int n, double* b);

}  // namespace fastilt
