#include "row_summary.hpp"

#include <limits>

#include "avx2.hpp"

namespace fastilt {
namespace {

// The loop once, compiled twice: for the baseline x86-64 (SSE2), where the
// int64 count and the double compares hardly vectorise, and inlined into an
// AVX2 function, about 4x faster (docs/performance.md).  Every result is
// exact, so both give the same.
__attribute__((always_inline)) inline RowSummary summarise(const double* a, std::int64_t rows, std::int64_t cols,
                                                           std::int64_t ld, double* row_max, double* row_min) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  RowSummary summary{true, 0};
  for (std::int64_t r = 0; r < rows; ++r) {
    const double* row = a + r * ld;
    double hi = -kInf, lo = kInf, bad = 0.0;
    std::int64_t nonzero = 0;
    // Max and min are exact in any order, and so is a sum of zeros (bad stays
    // 0 unless a value is NaN or infinite, when v - v is NaN): vectorised freely.
#pragma omp simd reduction(max : hi) reduction(min : lo) reduction(+ : bad, nonzero)
    for (std::int64_t c = 0; c < cols; ++c) {
      const double v = row[c];
      hi = v > hi ? v : hi;
      lo = v < lo ? v : lo;
      nonzero += v != 0.0;
      bad += v - v;
    }
    row_max[r] = hi;
    row_min[r] = lo;
    summary.nonzeros += nonzero;
    if (bad != 0.0) summary.finite = false;  // NaN != 0
  }
  return summary;
}

#ifdef FASTILT_HAVE_AVX2_KERNELS
__attribute__((target("avx2"))) RowSummary summarise_avx2(const double* a, std::int64_t rows, std::int64_t cols,
                                                          std::int64_t ld, double* row_max, double* row_min) {
  return summarise(a, rows, cols, ld, row_max, row_min);
}
#endif

}  // namespace

RowSummary summarise_rows(const double* a, std::int64_t rows, std::int64_t cols, std::int64_t ld,
                          double* row_max, double* row_min) {
#ifdef FASTILT_HAVE_AVX2_KERNELS
  static const bool avx2 = avx2_fma_available();
  if (avx2) return summarise_avx2(a, rows, cols, ld, row_max, row_min);
#endif
  return summarise(a, rows, cols, ld, row_max, row_min);
}

}  // namespace fastilt
