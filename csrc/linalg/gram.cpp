#include "gram.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
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
constexpr int kTile = 3;  // columns per side of a tile

// Rows [begin, end) of a chunk, read in groups of 4 that start `shift` rows
// before `begin`: at a 32-byte boundary when every column has the same
// alignment, so that no load straddles two cache lines (NumPy aligns arrays
// to 16 bytes only; a split load costs about half as much again).
struct Rows {
  std::int64_t begin, end;
  int shift;
};

// acc[i][j] += the products of the group of 4 rows from r of columns i0 + i
// and j0 + j; a partial group reads only its lanes inside `rows` (the others
// add exact zeros, and masked lanes are never read, so never fault).
template <int TI, int TJ, bool kPartial>
__attribute__((target("avx2,fma"))) inline void accumulate(__m256d (&acc)[TI][TJ], const double* b, std::int64_t ld,
                                                           std::int64_t r, const Rows& rows, std::int64_t i0,
                                                           std::int64_t j0) {
  __m256i mask = _mm256_set1_epi64x(-1);
  if (kPartial) {
    long long inside[4];
    for (int lane = 0; lane < 4; ++lane) inside[lane] = r + lane >= rows.begin && r + lane < rows.end ? -1 : 0;
    mask = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(inside));
  }
  __m256d x[TI], y[TJ];
  for (int i = 0; i < TI; ++i) {
    const double* p = b + r + (i0 + i) * ld;
    x[i] = kPartial ? _mm256_maskload_pd(p, mask) : _mm256_loadu_pd(p);
  }
  for (int j = 0; j < TJ; ++j) {
    const double* p = b + r + (j0 + j) * ld;
    y[j] = kPartial ? _mm256_maskload_pd(p, mask) : _mm256_loadu_pd(p);
  }
  for (int i = 0; i < TI; ++i)
    for (int j = 0; j < TJ; ++j) acc[i][j] = _mm256_fmadd_pd(x[i], y[j], acc[i][j]);
}

// out[i][j] += column (i0 + i) · column (j0 + j) over `rows`, for a TI x TJ
// tile: TI·TJ accumulators and TI + TJ loads stay in the 16 registers.
// 3 x 3 (9 accumulators, 6 loads for 9 FMAs) measured faster than
// 4 x 2 (8 for 6) and than 4 x 3 (12 for 7, one register short).
//
// Every sum has the same rounding whatever the shift: lane l of a group
// holds the rows r with r - begin = l - shift (mod 4), so each residue of
// r - begin is summed in row order in one lane (the masked rows add exact
// zeros), and the four residues are added in a fixed order at the end.
// Results thus do not depend on where NumPy put the array.
template <int TI, int TJ>
__attribute__((target("avx2,fma"))) void tile(const double* b, std::int64_t ld, const Rows& rows, std::int64_t i0,
                                              std::int64_t j0, double* out, std::int64_t cols) {
  __m256d acc[TI][TJ];
  for (int i = 0; i < TI; ++i)
    for (int j = 0; j < TJ; ++j) acc[i][j] = _mm256_setzero_pd();
  std::int64_t r = rows.begin - rows.shift;
  if (rows.shift > 0) {
    accumulate<TI, TJ, true>(acc, b, ld, r, rows, i0, j0);
    r += 4;
  }
  for (; r + 4 <= rows.end; r += 4) accumulate<TI, TJ, false>(acc, b, ld, r, rows, i0, j0);
  if (r < rows.end) accumulate<TI, TJ, true>(acc, b, ld, r, rows, i0, j0);
  for (int i = 0; i < TI; ++i)
    for (int j = 0; j < TJ; ++j) {
      alignas(32) double lanes[4];
      _mm256_store_pd(lanes, acc[i][j]);
      const auto residue = [&](int k) { return lanes[(k + rows.shift) % 4]; };
      out[(i0 + i) + (j0 + j) * cols] += (residue(0) + residue(1)) + (residue(2) + residue(3));
    }
}

// A tile of the size left at the edges (up to 3 x 3).
void edge_tile(int ti, int tj, const double* b, std::int64_t ld, const Rows& rows, std::int64_t i0,
               std::int64_t j0, double* out, std::int64_t cols) {
  using Tile = void (*)(const double*, std::int64_t, const Rows&, std::int64_t, std::int64_t, double*, std::int64_t);
  static constexpr Tile tiles[3][3] = {{tile<1, 1>, tile<1, 2>, tile<1, 3>},
                                       {tile<2, 1>, tile<2, 2>, tile<2, 3>},
                                       {tile<3, 1>, tile<3, 2>, tile<3, 3>}};
  tiles[ti - 1][tj - 1](b, ld, rows, i0, j0, out, cols);
}

// The lower triangle of BᵀB (column-major B) by 3 x 3 tiles of dot products
// of columns.  At kernel sizes (1024 x 100) this matches dsyrk's speed
// without its packing buffer, whose first touch in a process cost a third
// of a millisecond.
void gram_small(const double* b, std::int64_t rows, std::int64_t cols, std::int64_t ld, double* out) {
  std::fill(out, out + cols * cols, 0.0);
  // Chunks start at multiples of 4 rows: with ld a multiple of 4 too, every
  // column of every chunk is as far from a 32-byte boundary as column 0 is.
  const auto address = reinterpret_cast<std::uintptr_t>(b);
  const int shift = ld % 4 == 0 && address % 8 == 0 ? static_cast<int>(address % 32 / 8) : 0;
  // Where each column's trailing exact zeros start.  A kernel row of a short
  // tau underflows to 0 beyond some t (a fifth of a 1024 x 100 exponential
  // kernel, a third of its Gram work): a tile needs the rows up to where the
  // longer column of its shorter side ends.  The products left out are
  // exact zeros, so every sum is the one over all rows.
  std::int64_t length[kGramKernelMaxCols];
  for (std::int64_t j = 0; j < cols; ++j) {
    const double* column = b + j * ld;
    std::int64_t n = rows;
    while (n > 0 && column[n - 1] == 0.0) --n;
    length[j] = n;
  }
  auto longest = [&](std::int64_t first, int count) { return *std::max_element(length + first, length + first + count); };
  for (std::int64_t r0 = 0; r0 < rows; r0 += kRowChunk) {
    for (std::int64_t i0 = 0; i0 < cols; i0 += kTile) {
      const int ti = static_cast<int>(std::min<std::int64_t>(kTile, cols - i0));
      // Columns j0 <= i0 + ti - 1: the tile row's part of the lower triangle
      // (its diagonal block computed whole).
      for (std::int64_t j0 = 0; j0 < i0 + ti; j0 += kTile) {
        const int tj = static_cast<int>(std::min<std::int64_t>(kTile, i0 + ti - j0));
        const Rows part{r0, std::min({rows, r0 + kRowChunk, longest(i0, ti), longest(j0, tj)}), shift};
        if (part.end <= part.begin) continue;
        if (ti == kTile && tj == kTile)
          tile<kTile, kTile>(b, ld, part, i0, j0, out, cols);
        else
          edge_tile(ti, tj, b, ld, part, i0, j0, out, cols);
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
