#include "gram.hpp"

#include <climits>
#include <stdexcept>

#include "lapack.hpp"

namespace fastilt {

void gram_matrix(const double* b, std::int64_t rows, std::int64_t cols, std::int64_t ld, bool transposed,
                 double* out) {
  if (rows < 0 || cols < 0 || rows > INT_MAX || cols > INT_MAX || ld > INT_MAX || ld < 1)
    throw std::invalid_argument("matrix size out of range for BLAS");
  if (cols == 0) return;
  const int n = static_cast<int>(cols), k = static_cast<int>(rows), lda = static_cast<int>(ld);
  const double one = 1.0, zero = 0.0;
  const char lower = 'L', trans = transposed ? 'N' : 'T';  // Bᵀ stored: C = A Aᵀ with A = Bᵀ
  dsyrk_(&lower, &trans, &n, &k, &one, b, &lda, &zero, out, &n, 1, 1);
  for (std::int64_t j = 0; j < cols; ++j)
    for (std::int64_t i = j + 1; i < cols; ++i) out[j + i * cols] = out[i + j * cols];
}

}  // namespace fastilt
