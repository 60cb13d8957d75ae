// Products of a dense kernel matrix with one vector: Y = K m of the normal
// equations and the fit Kᵀ g of a one-dimensional inversion.  BLAS does them
// as fast, but NumPy's first matrix product in a process costs more (the
// matmul ufunc's set-up and OpenBLAS's first call) than the product itself,
// a noticeable share of a whole 1D inversion (docs/performance.md).
#pragma once

#include <cstdint>

namespace fastilt {

// y (rows) := A x for A of rows x cols, row-major with leading dimension
// ld >= cols.  Each y[r] is summed in an order fixed by cols alone (not by
// where the arrays lie), so a product repeats bit for bit.
void multiply(const double* a, std::int64_t rows, std::int64_t cols, std::int64_t ld, const double* x, double* y);

// y (cols) := Aᵀ x for the same A: each y[c] is accumulated over r in order.
void multiply_transposed(const double* a, std::int64_t rows, std::int64_t cols, std::int64_t ld, const double* x,
                         double* y);

}  // namespace fastilt
