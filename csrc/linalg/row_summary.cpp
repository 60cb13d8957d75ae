#include "row_summary.hpp"

#include <limits>

namespace fastilt {

RowSummary summarise_rows(const double* a, std::int64_t rows, std::int64_t cols, std::int64_t ld,
                          double* row_max, double* row_min) {
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

}  // namespace fastilt
