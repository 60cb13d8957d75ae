// The Gram matrix BᵀB of a dense kernel block: W of a one-dimensional
// inversion, and the per-dimension factors of W elsewhere (no Python here).
#pragma once

#include <cstdint>

namespace fastilt {

constexpr std::int64_t kGramKernelMaxCols = 128;

// out (cols x cols) := BᵀB for B of rows x cols, given column-major with
// leading dimension ld (ld >= rows) when `transposed` is false, or as Bᵀ
// column-major (that is B row-major, ld >= cols) when it is true.  Both
// triangles of `out` are written.  Uses LAPACK's BLAS (dsyrk) on the calling
// thread's BLAS settings: fastilt's default of one thread; a column-major B
// of up to kGramKernelMaxCols columns goes to fastilt's own AVX2/FMA kernel
// where the CPU has it (no BLAS packing buffer to fault in on a first call).
void gram_matrix(const double* b, std::int64_t rows, std::int64_t cols, std::int64_t ld, bool transposed,
                 double* out);

}  // namespace fastilt
