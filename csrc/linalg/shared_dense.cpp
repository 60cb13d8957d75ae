#include "shared_dense.hpp"

#include <algorithm>

#include "free_cores.hpp"
#include "lapack.hpp"

namespace fastilt {
namespace {

const char kLower = 'L', kRight = 'R', kTranspose = 'T', kNo = 'N', kNonUnit = 'N';

// Columns of a panel, and rows or columns of a part: a few hundred keep each
// BLAS call efficient and give a region several parts to share out.
constexpr int kSharedPanel = 192;
constexpr int kPartSize = 256;

int parts_of(int count) { return (count + kPartSize - 1) / kPartSize; }

}  // namespace

void shared_solve_rows(const float* l, int n, int ldl, float* b, int m, int ldb) {
  const float one = 1.0f;
  for_each_part(parts_of(m), [&](int part) {
    const int first = part * kPartSize, rows = std::min(kPartSize, m - first);
    strsm_(&kRight, &kLower, &kTranspose, &kNonUnit, &rows, &n, &one, l, &ldl, b + first, &ldb, 1, 1, 1, 1);
  });
}

void shared_rank_update(const float* b, int m, int k, int ldb, float alpha, float beta, float* c, int ldc) {
  // Column block j: its diagonal block by ssyrk, the rows below it by sgemm
  // (the first blocks, with the most rows below, are claimed first).
  for_each_part(parts_of(m), [&](int part) {
    const int first = part * kPartSize, width = std::min(kPartSize, m - first), below = m - first - width;
    float* block = c + first + static_cast<std::ptrdiff_t>(first) * ldc;
    ssyrk_(&kLower, &kNo, &width, &k, &alpha, b + first, &ldb, &beta, block, &ldc, 1, 1);
    if (below > 0)
      sgemm_(&kNo, &kTranspose, &below, &width, &k, &alpha, b + first + width, &ldb, b + first, &ldb, &beta,
             block + width, &ldc, 1, 1);
  });
}

int shared_cholesky(float* a, int n, int lda) {
  // Right-looking: factor a panel, solve the rows below it, update the
  // trailing matrix, which is most of the work.
  for (int k = 0; k < n; k += kSharedPanel) {
    const int width = std::min(kSharedPanel, n - k), below = n - k - width;
    float* panel = a + k + static_cast<std::ptrdiff_t>(k) * lda;
    int info = 0;
    spotrf_(&kLower, &width, panel, &lda, &info, 1);
    if (info != 0) return info + k;
    if (below == 0) break;
    shared_solve_rows(panel, width, lda, panel + width, below, lda);
    shared_rank_update(panel + width, below, width, lda, -1.0f, 1.0f, panel + width + static_cast<std::ptrdiff_t>(width) * lda,
                       lda);
  }
  return 0;
}

}  // namespace fastilt
