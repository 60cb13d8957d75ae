// One pass over a dense kernel matrix for what init checks of it: are all
// values finite, how many are non-zero (the sparsity that picks ILTpy's dense
// or sparse forms), and each row's largest and smallest value (tau over
// which the kernel is essentially constant or zero).  NumPy takes a pass, a
// temporary or both for each, and the first call of each in a process.
#pragma once

#include <cstdint>

namespace fastilt {

struct RowSummary {
  bool finite;             // no NaN or infinity anywhere
  std::int64_t nonzeros;   // values != 0 (-0.0 counts as zero, as in NumPy)
};

// a: rows x cols, row-major with leading dimension ld >= cols.  Writes
// row_max[r] and row_min[r] for every row (+-infinity for an empty row;
// unspecified where a row holds NaN).
RowSummary summarise_rows(const double* a, std::int64_t rows, std::int64_t cols, std::int64_t ld,
                          double* row_max, double* row_min);

}  // namespace fastilt
