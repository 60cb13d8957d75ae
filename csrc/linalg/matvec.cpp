#include "matvec.hpp"

#include <algorithm>

#include "avx2.hpp"

namespace fastilt {
namespace {

#ifdef FASTILT_HAVE_AVX2_KERNELS

// Lane l of accumulator k sums the entries c with c mod 16 = 4k + l, up to
// the last full group of 16; the four accumulators and their lanes are then
// added in a fixed order, and the rest follows one entry at a time.
__attribute__((target("avx2,fma"))) double dot_avx2(const double* a, const double* x, std::int64_t n) {
  __m256d acc[4] = {_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd()};
  std::int64_t c = 0;
  for (; c + 16 <= n; c += 16)
    for (int k = 0; k < 4; ++k)
      acc[k] = _mm256_fmadd_pd(_mm256_loadu_pd(a + c + 4 * k), _mm256_loadu_pd(x + c + 4 * k), acc[k]);
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, _mm256_add_pd(_mm256_add_pd(acc[0], acc[1]), _mm256_add_pd(acc[2], acc[3])));
  double sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  for (; c < n; ++c) sum = _mm_cvtsd_f64(_mm_fmadd_sd(_mm_set_sd(a[c]), _mm_set_sd(x[c]), _mm_set_sd(sum)));
  return sum;
}

// y[c] = fma(x[r], a[r][c], y[c]) for r = 0, 1, ...: the same chain of
// roundings for every c, whether it falls in a vector or in the tail.  Four
// rows per pass over y, which stays in L1.
__attribute__((target("avx2,fma"))) void multiply_transposed_avx2(const double* a, std::int64_t rows,
                                                                   std::int64_t cols, std::int64_t ld,
                                                                   const double* x, double* y) {
  std::fill(y, y + cols, 0.0);
  for (std::int64_t r0 = 0; r0 < rows; r0 += 4) {
    const int count = static_cast<int>(std::min<std::int64_t>(4, rows - r0));
    const double* row[4];
    __m256d weight[4];
    for (int k = 0; k < count; ++k) {
      row[k] = a + (r0 + k) * ld;
      weight[k] = _mm256_set1_pd(x[r0 + k]);
    }
    std::int64_t c = 0;
    for (; c + 4 <= cols; c += 4) {
      __m256d sum = _mm256_loadu_pd(y + c);
      for (int k = 0; k < count; ++k) sum = _mm256_fmadd_pd(weight[k], _mm256_loadu_pd(row[k] + c), sum);
      _mm256_storeu_pd(y + c, sum);
    }
    for (; c < cols; ++c) {
      __m128d sum = _mm_set_sd(y[c]);
      for (int k = 0; k < count; ++k) sum = _mm_fmadd_sd(_mm_set_sd(x[r0 + k]), _mm_set_sd(row[k][c]), sum);
      y[c] = _mm_cvtsd_f64(sum);
    }
  }
}

#endif

}  // namespace

void multiply(const double* a, std::int64_t rows, std::int64_t cols, std::int64_t ld, const double* x, double* y) {
#ifdef FASTILT_HAVE_AVX2_KERNELS
  static const bool avx2 = avx2_fma_available();
  if (avx2) {
    for (std::int64_t r = 0; r < rows; ++r) y[r] = dot_avx2(a + r * ld, x, cols);
    return;
  }
#endif
  for (std::int64_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (std::int64_t c = 0; c < cols; ++c) sum += a[r * ld + c] * x[c];
    y[r] = sum;
  }
}

void multiply_transposed(const double* a, std::int64_t rows, std::int64_t cols, std::int64_t ld, const double* x,
                         double* y) {
#ifdef FASTILT_HAVE_AVX2_KERNELS
  static const bool avx2 = avx2_fma_available();
  if (avx2) return multiply_transposed_avx2(a, rows, cols, ld, x, y);
#endif
  std::fill(y, y + cols, 0.0);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) y[c] += x[r] * a[r * ld + c];
}

}  // namespace fastilt
