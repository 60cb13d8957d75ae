// Dense and banded Cholesky solvers on top of LAPACK (no Python here).
//
// All matrices are column-major.  Both solvers read only the LOWER triangle,
// which for a symmetric matrix is all the information there is.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace fastilt {

// BLAS threads.  OpenBLAS splits a factorisation over its threads even where
// the blocks are too small to share: the band factorisations of fastilt's
// systems and small dense ones measured slower on 2 cores than on one thread
// (docs/performance.md), and a woken thread then spins for a while next to
// the main one.  So fastilt's BLAS runs on one thread (set when the extension
// modules load), and BlasThreads raises the count only around the large dense
// factorisations that gain from it.  Without OpenBLAS all of this does nothing.
void use_one_blas_thread_by_default();

// Sets the OpenBLAS thread count while alive, then restores the previous one.
class BlasThreads {
 public:
  explicit BlasThreads(int count);
  ~BlasThreads();
  BlasThreads(const BlasThreads&) = delete;
  BlasThreads& operator=(const BlasThreads&) = delete;

 private:
  int saved_ = 0;
};

// While one of these lives on a thread, BlasThreads there changes nothing.
// OpenBLAS's thread count is one global setting: threads that factor side by
// side (a batch of inversions) must not change it under each other, so the
// batch holds it at one and each of its threads holds one of these.
class FixedBlasThreads {
 public:
  FixedBlasThreads();
  ~FixedBlasThreads();
  FixedBlasThreads(const FixedBlasThreads&) = delete;
  FixedBlasThreads& operator=(const FixedBlasThreads&) = delete;
};

// Threads for a dense factorisation of n unknowns: 1 below kThreadedDenseMin
// (where more threads start to pay, docs/performance.md), otherwise as many
// as OpenBLAS started with.
constexpr std::int64_t kThreadedDenseMin = 1500;
int dense_blas_threads(std::int64_t n);

// Factor the n x n column-major SPD matrix `a` in place (a := L, lower
// triangle; the strict upper triangle is left untouched).
// Throws NotPositiveDefinite if `a` is not SPD.
void dense_cholesky_factor(double* a, std::int64_t n);

// Solve L L^T X = B for X, where `l` comes from dense_cholesky_factor and
// `b` is the column-major n x nrhs right-hand side, overwritten by X.
void dense_cholesky_solve(const double* l, std::int64_t n, double* b,
                          std::int64_t nrhs);

// Cholesky factor of a symmetric positive definite band matrix.
//
// Input `ab` is LAPACK lower band storage, column-major, shape (kd+1, n):
//     ab[(i - j) + j * (kd + 1)] = A(i, j)   for j <= i <= min(n-1, j+kd)
// i.e. the same layout as scipy.linalg.solveh_banded(..., lower=True).
// The factor is kept, so solve() can be called many times.
class BandCholesky {
 public:
  // Copies `ab` and factors it; throws NotPositiveDefinite if not SPD.
  BandCholesky(const double* ab, std::int64_t n, std::int64_t kd);

  // Overwrite the column-major n x nrhs block `b` with A^{-1} b.
  // Thread-safe: the factor is only read.
  void solve(double* b, std::int64_t nrhs) const;

  std::int64_t n() const noexcept { return n_; }
  std::int64_t kd() const noexcept { return kd_; }

 private:
  std::int64_t n_;
  std::int64_t kd_;
  std::vector<double> factor_;  // (kd+1) x n lower band storage of L
};

}  // namespace fastilt

namespace fastilt {

// In-place variants for callers that own the band storage (no copy of a
// possibly very large factor): factor `ab` (lower band storage, ld x n with
// ld >= kd + 1) into L, then solve with it.  Storage with ld >= kd + 1 +
// kBandPadding whose padding slots are zero is factored by fastilt's panel
// kernel where the CPU has AVX2/FMA (panel_cholesky.hpp), otherwise by LAPACK
// dpbtrf.
void band_cholesky_factor(double* ab, std::int64_t n, std::int64_t kd, std::int64_t ld);
// The same, with the storage written by fill_columns(first, last) (columns
// [first, last) of `ab`): for the panel kernel in stretches of
// kFillAheadColumns just before they are factored, for LAPACK all at once.
constexpr std::int64_t kFillAheadColumns = 256;  // a multiple of 4
void band_cholesky_fill_and_factor(double* ab, std::int64_t n, std::int64_t kd, std::int64_t ld,
                                   const std::function<void(std::int64_t, std::int64_t)>& fill_columns);
void band_cholesky_solve(const double* ab, std::int64_t n, std::int64_t kd, std::int64_t ld, double* b,
                         std::int64_t nrhs);

}  // namespace fastilt
