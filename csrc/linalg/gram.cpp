#include "gram.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "avx2.hpp"
#include "lapack.hpp"

namespace fastilt {
namespace {

// The upper triangle of the column-major out from its lower one.
void mirror_lower(double* out, std::int64_t cols) {
  for (std::int64_t j = 0; j < cols; ++j)
    for (std::int64_t i = j + 1; i < cols; ++i) out[j + i * cols] = out[i + j * cols];
}

void gram_dsyrk(const double* b, std::int64_t rows, std::int64_t cols, std::int64_t ld, bool transposed,
                double* out) {
  if (rows > INT_MAX || cols > INT_MAX || ld > INT_MAX)
    throw std::invalid_argument("matrix size out of range for BLAS");
  const int n = static_cast<int>(cols), k = static_cast<int>(rows), lda = static_cast<int>(ld);
  const double one = 1.0, zero = 0.0;
  const char lower = 'L', trans = transposed ? 'N' : 'T';  // Bᵀ stored: C = A Aᵀ with A = Bᵀ
  dsyrk_(&lower, &trans, &n, &k, &one, b, &lda, &zero, out, &n, 1, 1);
  mirror_lower(out, cols);
}

#ifdef FASTILT_HAVE_AVX2_KERNELS

// Rows are taken in chunks that stay in the L2 cache while every pair of
// columns passes over them (512 rows of 128 columns: 512 kB).
constexpr std::int64_t kRowChunk = 512;

// out[i][j] += column (i0 + i) · column (j0 + j) over rows [r0, r1), for a
// TI x TJ tile: TI·TJ accumulators and TI + TJ loads stay in the 16 registers.
template <int TI, int TJ>
__attribute__((target("avx2,fma"))) void tile(const double* b, std::int64_t ld, std::int64_t r0, std::int64_t r1,
                                              std::int64_t i0, std::int64_t j0, double* out, std::int64_t cols) {
  __m256d acc[TI][TJ];
  for (int i = 0; i < TI; ++i)
    for (int j = 0; j < TJ; ++j) acc[i][j] = _mm256_setzero_pd();
  std::int64_t r = r0;
  for (; r + 4 <= r1; r += 4) {
    __m256d x[TI], y[TJ];
    for (int i = 0; i < TI; ++i) x[i] = _mm256_loadu_pd(b + r + (i0 + i) * ld);
    for (int j = 0; j < TJ; ++j) y[j] = _mm256_loadu_pd(b + r + (j0 + j) * ld);
    for (int i = 0; i < TI; ++i)
      for (int j = 0; j < TJ; ++j) acc[i][j] = _mm256_fmadd_pd(x[i], y[j], acc[i][j]);
  }
  for (int i = 0; i < TI; ++i)
    for (int j = 0; j < TJ; ++j) {
      alignas(32) double lanes[4];
      _mm256_store_pd(lanes, acc[i][j]);
      double s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
      for (std::int64_t k = r; k < r1; ++k) s += b[k + (i0 + i) * ld] * b[k + (j0 + j) * ld];
      out[(i0 + i) + (j0 + j) * cols] += s;
    }
}

// A tile of the size left at the edges (up to 4 x 2).
void edge_tile(int ti, int tj, const double* b, std::int64_t ld, std::int64_t r0, std::int64_t r1,
               std::int64_t i0, std::int64_t j0, double* out, std::int64_t cols) {
  using Tile = void (*)(const double*, std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                        double*, std::int64_t);
  static constexpr Tile tiles[4][2] = {{tile<1, 1>, tile<1, 2>}, {tile<2, 1>, tile<2, 2>},
                                       {tile<3, 1>, tile<3, 2>}, {tile<4, 1>, tile<4, 2>}};
  tiles[ti - 1][tj - 1](b, ld, r0, r1, i0, j0, out, cols);
}

// The lower triangle of BᵀB (column-major B) by 4 x 2 tiles of dot products
// of columns.  At kernel sizes (1024 x 100) this matches dsyrk's speed
// without its packing buffer, whose first touch in a process cost a third
// of a millisecond.
void gram_small(const double* b, std::int64_t rows, std::int64_t cols, std::int64_t ld, double* out) {
  std::fill(out, out + cols * cols, 0.0);
  for (std::int64_t r0 = 0; r0 < rows; r0 += kRowChunk) {
    const std::int64_t r1 = std::min(rows, r0 + kRowChunk);
    for (std::int64_t i0 = 0; i0 < cols; i0 += 4) {
      const int ti = static_cast<int>(std::min<std::int64_t>(4, cols - i0));
      // Columns j0 <= i0 + ti - 1: the tile row's part of the lower triangle
      // (its diagonal block computed whole).
      for (std::int64_t j0 = 0; j0 < i0 + ti; j0 += 2) {
        const int tj = static_cast<int>(std::min<std::int64_t>(2, i0 + ti - j0));
        if (ti == 4 && tj == 2)
          tile<4, 2>(b, ld, r0, r1, i0, j0, out, cols);
        else
          edge_tile(ti, tj, b, ld, r0, r1, i0, j0, out, cols);
      }
    }
  }
  mirror_lower(out, cols);
}

#endif

}  // namespace

void gram_matrix(const double* b, std::int64_t rows, std::int64_t cols, std::int64_t ld, bool transposed,
                 double* out) {
  if (rows < 0 || cols < 0 || ld < 1) throw std::invalid_argument("matrix size out of range");
  if (cols == 0) return;
#ifdef FASTILT_HAVE_AVX2_KERNELS
  static const bool own_kernel = avx2_fma_available();
  if (own_kernel && !transposed && cols <= kGramKernelMaxCols) {
    gram_small(b, rows, cols, ld, out);
    return;
  }
#endif
  gram_dsyrk(b, rows, cols, ld, transposed, out);
}

}  // namespace fastilt
