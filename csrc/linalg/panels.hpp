// Matrices stored in panels of four columns, each panel as blocks of four
// rows [c0(i..i+3), c1(i..i+3), c2(i..i+3), c3(i..i+3)], and the passes over
// them in double-precision arithmetic from single-precision values: the copy
// of Γ's Cholesky factor that SingleFactor's solves read, and the Z = M⁻¹Aᵀ
// of LowRankSystem's preconditioner.  A pass reads such a matrix as one
// sequential stream.  Read in place, four columns of the factor were four
// interleaved streams with gaps (the diagonal blocks' upper triangles), and a
// factor larger than the cache (T1-T2-D: 41 MB) came from memory at 12-16 GB/s
// where one stream comes at 26-40 GB/s; as panels the same sums in the same
// order ran 2.0-2.8x faster (docs/performance.md).
#pragma once

#include <cstdint>

#include "avx2.hpp"

namespace fastilt {

constexpr std::int64_t kPanelColumns = 4, kBlockValues = kPanelColumns * kPanelColumns;
// Right-hand sides of a block solve in single precision: a row of them is one AVX register.
constexpr int kPanelBlockWidth = 8;

inline std::int64_t blocks_of(std::int64_t rows) { return (rows + kPanelColumns - 1) / kPanelColumns; }

// A supernode of the factor (`columns` x `rows`): its panels, each from its
// first column's diagonal down (the last block padded with zeros, the
// entries above the diagonal in the first block zero and never read), then
// the columns left over (fewer than four), each from its diagonal down.
// Values before panel g (panel h has blocks_of(rows) − h blocks), and in all:
inline std::int64_t panel_offset(std::int64_t g, std::int64_t rows) {
  return kBlockValues * (g * blocks_of(rows) - g * (g - 1) / 2);
}
inline std::int64_t panel_values(std::int64_t columns, std::int64_t rows) {
  const std::int64_t panels = columns / kPanelColumns;
  std::int64_t size = panel_offset(panels, rows);
  for (std::int64_t j = panels * kPanelColumns; j < columns; ++j) size += rows - j;
  return size;
}
// The supernode's values (column-major, `rows` x `columns` from `block`) as its panels at `panel`.
void to_panels(const float* block, std::int64_t columns, std::int64_t rows, float* panel);

// A dense n x k matrix: blocks_of(k) panels (the last padded with columns of
// zeros), each of blocks_of(n) blocks from row 0.
inline std::int64_t dense_panel_values(std::int64_t n, std::int64_t k) {
  return blocks_of(k) * blocks_of(n) * kBlockValues;
}
// z (n x k, column-major) into panels, rounded to single precision.
void dense_to_panels(const double* z, std::int64_t n, std::int64_t k, float* panels);
// With Z in dense panels, x of 4 blocks_of(n) values (zero past n), y and s
// of 4 blocks_of(k): y -= Zᵀx, and x += Z s.
void subtract_transposed_product(const float* panels, std::int64_t n, std::int64_t k, const double* x, double* y);
void add_product(const float* panels, std::int64_t n, std::int64_t k, const double* s, double* x);

// The passes that take the time, over the blocks of a panel below its first
// (`blocks` blocks from p, rows from t): t(i) -= Σ_k c_k(i) a_k, the sums
// Σ_i c_k(i) t(i), and for a block of right-hand sides in single precision,
// kPanelBlockWidth values a row (row-major), the rows t(i, :) -= Σ_k c_k(i) a(k, :).
// The sums run from the last block up: the backward solve goes through the
// panels from the last, and so reads the copy as one descending stream
// (read ascending within each panel it took as long as before the panels).
struct PlainPanelLoops {
  static void subtract4_rows(const float* p, std::int64_t blocks, const float* a, float* t) {
    for (std::int64_t b = 0; b < blocks; ++b, p += kBlockValues)
      for (int r = 0; r < kPanelColumns; ++r) {
        float* row = t + (b * kPanelColumns + r) * kPanelBlockWidth;
        for (int q = 0; q < kPanelBlockWidth; ++q)
          row[q] -= p[r] * a[q] + p[4 + r] * a[kPanelBlockWidth + q] + p[8 + r] * a[2 * kPanelBlockWidth + q] +
                    p[12 + r] * a[3 * kPanelBlockWidth + q];
      }
  }
  static void subtract4(const float* p, std::int64_t blocks, const double* a, double* t) {
    for (std::int64_t b = 0; b < blocks; ++b, p += kBlockValues)
      for (int r = 0; r < kPanelColumns; ++r)
        t[b * kPanelColumns + r] -= static_cast<double>(p[r]) * a[0] + static_cast<double>(p[4 + r]) * a[1] +
                                    static_cast<double>(p[8 + r]) * a[2] + static_cast<double>(p[12 + r]) * a[3];
  }
  static void dot4(const float* p, std::int64_t blocks, const double* t, double* sums) {
    for (int k = 0; k < kPanelColumns; ++k) {
      double sum = 0.0;
      for (std::int64_t b = blocks; b-- > 0;)
        for (int r = 0; r < kPanelColumns; ++r)
          sum += static_cast<double>(p[b * kBlockValues + 4 * k + r]) * t[b * kPanelColumns + r];
      sums[k] = sum;
    }
  }
};

#ifdef FASTILT_HAVE_AVX2_KERNELS
// The same, a block's four rows of a column in one register of doubles (in
// a block of right-hand sides, each row one register of floats): GCC leaves
// the loops above scalar, and the same loops in GCC's vector types ran at
// about half this speed.
struct Avx2PanelLoops {
  // How far ahead subtract4_rows asks for the panel (4 KB).  Its eight
  // right-hand sides make it slow enough per byte that the hardware's own
  // prefetch falls behind: Z of the T1-T2-D factor (k = 99) 47.5 -> 41 ms
  // (medians of 4 alternating processes; 512 to 4096 values the same).  The
  // one-column passes run at memory speed without, and were slower with it
  // (1.7 -> 2.1 ms a solve).
  static constexpr std::int64_t kPrefetchValues = 1024;

  // The four rows a(k, :) stay in four registers, each c_k(i) is one broadcast.
  __attribute__((target("avx2,fma"))) static void subtract4_rows(const float* p, std::int64_t blocks, const float* a,
                                                                 float* t) {
    static_assert(kPanelBlockWidth == 8, "one register a row");
    const __m256 a0 = _mm256_loadu_ps(a), a1 = _mm256_loadu_ps(a + kPanelBlockWidth),
                 a2 = _mm256_loadu_ps(a + 2 * kPanelBlockWidth), a3 = _mm256_loadu_ps(a + 3 * kPanelBlockWidth);
    for (std::int64_t b = 0; b < blocks; ++b, p += kBlockValues) {
      _mm_prefetch(reinterpret_cast<const char*>(p + kPrefetchValues), _MM_HINT_T0);
      for (int r = 0; r < kPanelColumns; ++r) {
        float* row = t + (b * kPanelColumns + r) * kPanelBlockWidth;
        __m256 values = _mm256_loadu_ps(row);
        values = _mm256_fnmadd_ps(_mm256_broadcast_ss(p + r), a0, values);
        values = _mm256_fnmadd_ps(_mm256_broadcast_ss(p + 4 + r), a1, values);
        values = _mm256_fnmadd_ps(_mm256_broadcast_ss(p + 8 + r), a2, values);
        values = _mm256_fnmadd_ps(_mm256_broadcast_ss(p + 12 + r), a3, values);
        _mm256_storeu_ps(row, values);
      }
    }
  }
  __attribute__((target("avx2,fma"))) static void subtract4(const float* p, std::int64_t blocks, const double* a,
                                                            double* t) {
    const __m256d a0 = _mm256_set1_pd(a[0]), a1 = _mm256_set1_pd(a[1]), a2 = _mm256_set1_pd(a[2]),
                  a3 = _mm256_set1_pd(a[3]);
    for (std::int64_t b = 0; b < blocks; ++b, p += kBlockValues, t += kPanelColumns) {
      __m256d ti = _mm256_loadu_pd(t);
      ti = _mm256_fnmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(p)), a0, ti);
      ti = _mm256_fnmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(p + 4)), a1, ti);
      ti = _mm256_fnmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(p + 8)), a2, ti);
      ti = _mm256_fnmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(p + 12)), a3, ti);
      _mm256_storeu_pd(t, ti);
    }
  }
  __attribute__((target("avx2,fma"))) static void dot4(const float* p, std::int64_t blocks, const double* t,
                                                       double* sums) {
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    for (std::int64_t b = blocks; b-- > 0;) {
      const float* q = p + b * kBlockValues;
      const __m256d ti = _mm256_loadu_pd(t + b * kPanelColumns);
      s0 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(q)), ti, s0);
      s1 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(q + 4)), ti, s1);
      s2 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(q + 8)), ti, s2);
      s3 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(q + 12)), ti, s3);
    }
    // The four totals: pairwise sums within each 128-bit half, then the halves.
    const __m256d h01 = _mm256_hadd_pd(s0, s1), h23 = _mm256_hadd_pd(s2, s3);
    _mm256_storeu_pd(sums, _mm256_add_pd(_mm256_permute2f128_pd(h01, h23, 0x20),
                                         _mm256_permute2f128_pd(h01, h23, 0x31)));
  }
};
#endif


}  // namespace fastilt
