#include "cholesky.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <string>

#include "errors.hpp"
#include "lapack.hpp"
#include "panel_cholesky.hpp"

namespace fastilt {
namespace {

const char kLower = 'L';

// LAPACK takes 32-bit ints; refuse sizes that would silently overflow.
int to_lapack_int(std::int64_t v, const char* what) {
  if (v < 0 || v > INT_MAX) {
    throw std::invalid_argument(std::string(what) + " out of range for LAPACK: " +
                                std::to_string(v));
  }
  return static_cast<int>(v);
}

// Turn a LAPACK `info` into an exception (info > 0: not SPD; info < 0: we
// passed a bad argument, which is a bug in this file).
void check_info(int info, const char* routine) {
  if (info > 0) throw NotPositiveDefinite(info);
  if (info < 0) {
    throw std::logic_error(std::string(routine) + ": illegal value in argument " +
                           std::to_string(-info));
  }
}


}  // namespace

namespace {
int initial_blas_threads = 0;  // OpenBLAS's own count, before fastilt set 1
thread_local int fixed_blas_threads = 0;  // FixedBlasThreads alive on this thread
}  // namespace

FixedBlasThreads::FixedBlasThreads() { ++fixed_blas_threads; }
FixedBlasThreads::~FixedBlasThreads() { --fixed_blas_threads; }

void use_one_blas_thread_by_default() {
  if (!openblas_get_num_threads || !openblas_set_num_threads || initial_blas_threads > 0) return;
  initial_blas_threads = openblas_get_num_threads();
  openblas_set_num_threads(1);
}

int dense_blas_threads(std::int64_t n) {
  return n < kThreadedDenseMin ? 1 : std::max(initial_blas_threads, 1);
}

BlasThreads::BlasThreads(int count) {
  if (!openblas_get_num_threads || !openblas_set_num_threads || fixed_blas_threads > 0) return;
  const int current = openblas_get_num_threads();
  if (current != count) {
    saved_ = current;
    openblas_set_num_threads(count);
  }
}

BlasThreads::~BlasThreads() {
  if (saved_ > 0) openblas_set_num_threads(saved_);
}

namespace {
// Small systems go to fastilt's own kernels where the CPU has them.
bool use_small_kernel(std::int64_t n) {
  static const bool available = small_cholesky_available();
  return available && n <= kSmallCholeskyMax;
}
}  // namespace

void dense_cholesky_factor(double* a, std::int64_t n) {
  if (use_small_kernel(n)) {
    const int info = small_cholesky_factor(a, static_cast<int>(n));
    if (info > 0) throw NotPositiveDefinite(info);
    return;
  }
  const BlasThreads blas(dense_blas_threads(n));
  const int ni = to_lapack_int(n, "n");
  if (ni == 0) return;
  int info = 0;
  dpotrf_(&kLower, &ni, a, &ni, &info, 1);
  check_info(info, "dpotrf");
}

void dense_cholesky_solve(const double* l, std::int64_t n, double* b,
                          std::int64_t nrhs) {
  if (use_small_kernel(n)) {
    for (std::int64_t k = 0; k < nrhs; ++k) small_cholesky_solve(l, static_cast<int>(n), b + k * n);
    return;
  }
  const BlasThreads blas(dense_blas_threads(n));
  const int ni = to_lapack_int(n, "n");
  const int nr = to_lapack_int(nrhs, "nrhs");
  if (ni == 0 || nr == 0) return;
  int info = 0;
  dpotrs_(&kLower, &ni, &nr, l, &ni, b, &ni, &info, 1);
  check_info(info, "dpotrs");
}

BandCholesky::BandCholesky(const double* ab, std::int64_t n, std::int64_t kd)
    : n_(n), kd_(kd), factor_(ab, ab + (kd + 1) * n) {
  band_cholesky_factor(factor_.data(), n_, kd_, kd_ + 1);
}

void BandCholesky::solve(double* b, std::int64_t nrhs) const {
  band_cholesky_solve(factor_.data(), n_, kd_, kd_ + 1, b, nrhs);
}

void band_cholesky_factor(double* ab, std::int64_t n, std::int64_t kd, std::int64_t ld) {
  band_cholesky_fill_and_factor(ab, n, kd, ld, [](std::int64_t, std::int64_t) {});
}

void band_cholesky_fill_and_factor(double* ab, std::int64_t n, std::int64_t kd, std::int64_t ld,
                                   const std::function<void(std::int64_t, std::int64_t)>& fill_columns) {
  const int ni = to_lapack_int(n, "n");
  const int kdi = to_lapack_int(kd, "kd");
  const int ldab = to_lapack_int(ld, "ld");
  if (ld < kd + 1) throw std::invalid_argument("band storage needs ld >= kd + 1");
  static const bool kernel = small_cholesky_available();
  if (kernel && ld >= kd + 1 + kBandPadding) {
    // A panel reads its columns' band, and kd columns before them: a stretch
    // written just before it is factored is still in cache (the band of a
    // pseudo-2D series is tens of MB).
    for (std::int64_t first = 0; first < n; first += kFillAheadColumns) {
      const std::int64_t last = std::min(n, first + kFillAheadColumns);
      fill_columns(first, last);
      const int info = band_panel_cholesky_factor(ab, n, kd, ld, first, last);
      if (info > 0) throw NotPositiveDefinite(info);
    }
    return;
  }
  fill_columns(0, n);
  if (ni == 0) return;
  int info = 0;
  dpbtrf_(&kLower, &ni, &kdi, ab, &ldab, &info, 1);
  check_info(info, "dpbtrf");
}

void band_cholesky_solve(const double* ab, std::int64_t n, std::int64_t kd, std::int64_t ld, double* b,
                         std::int64_t nrhs) {
  const int ni = to_lapack_int(n, "n");
  const int kdi = to_lapack_int(kd, "kd");
  const int nr = to_lapack_int(nrhs, "nrhs");
  const int ldab = to_lapack_int(ld, "ld");
  if (ni == 0 || nr == 0) return;
  int info = 0;
  dpbtrs_(&kLower, &ni, &kdi, &nr, ab, &ldab, b, &ni, &info, 1);
  check_info(info, "dpbtrs");
}

}  // namespace fastilt
