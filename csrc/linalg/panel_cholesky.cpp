#include "panel_cholesky.hpp"

#include <algorithm>
#include <cmath>

#include "avx2.hpp"

namespace fastilt {

bool small_cholesky_available() { return avx2_fma_available(); }

#ifdef FASTILT_HAVE_AVX2_KERNELS

namespace {

// Left-looking by panels of 4 columns, on a matrix addressed as
// a[i + j * lda] whose entries with i - j > kd are zero: dense (lda = n,
// kd = n) or LAPACK lower band storage with leading dimension lda + 1, whose
// (i, j) is at (i - j) + j * (lda + 1) = i + j * lda.  The band needs
// kBandPadding zero slots below each column's kd + 1 (see
// band_panel_cholesky_factor): a block of 12 rows reads a column k from its
// first row's band on, up to 11 rows past the band, and finds zeros there.
// For panel j0..j0+3 (rows j0 .. end - 1, where the panel's band ends):
//   1. the rows get A -= L[:, k] L[panel, k]ᵀ over the columns k < j0 within
//      reach, 12 (then 4) rows at a time with the 4 columns in registers;
//   2. the 4 x 4 diagonal block gets the same update and is factored;
//   3. the rows below solve x L_blockᵀ = row, 4 rows at a time.
// A last panel narrower than 4 and row remainders go through scalar loops.
// Out of the band, the products meet a zero (the factor has no fill there),
// so those slots stay zero.
__attribute__((target("avx2,fma"))) void update_rows(double* a, std::int64_t lda, std::int64_t kd, int j0, int i0,
                                                    int end) {
  int i = i0;
  for (; i + 12 <= end; i += 12) {
    __m256d acc[4][3];
    for (int c = 0; c < 4; ++c)
      for (int v = 0; v < 3; ++v) acc[c][v] = _mm256_loadu_pd(a + i + 4 * v + (j0 + c) * lda);
    for (std::int64_t k = std::max<std::int64_t>(0, i - kd); k < j0; ++k) {
      const double* lk = a + k * lda;
      const __m256d l0 = _mm256_loadu_pd(lk + i), l1 = _mm256_loadu_pd(lk + i + 4),
                    l2 = _mm256_loadu_pd(lk + i + 8);
      for (int c = 0; c < 4; ++c) {
        const __m256d b = _mm256_broadcast_sd(lk + j0 + c);
        acc[c][0] = _mm256_fnmadd_pd(l0, b, acc[c][0]);
        acc[c][1] = _mm256_fnmadd_pd(l1, b, acc[c][1]);
        acc[c][2] = _mm256_fnmadd_pd(l2, b, acc[c][2]);
      }
    }
    for (int c = 0; c < 4; ++c)
      for (int v = 0; v < 3; ++v) _mm256_storeu_pd(a + i + 4 * v + (j0 + c) * lda, acc[c][v]);
  }
  for (; i + 4 <= end; i += 4) {
    __m256d acc[4];
    for (int c = 0; c < 4; ++c) acc[c] = _mm256_loadu_pd(a + i + (j0 + c) * lda);
    for (std::int64_t k = std::max<std::int64_t>(0, i - kd); k < j0; ++k) {
      const double* lk = a + k * lda;
      const __m256d l0 = _mm256_loadu_pd(lk + i);
      for (int c = 0; c < 4; ++c) acc[c] = _mm256_fnmadd_pd(l0, _mm256_broadcast_sd(lk + j0 + c), acc[c]);
    }
    for (int c = 0; c < 4; ++c) _mm256_storeu_pd(a + i + (j0 + c) * lda, acc[c]);
  }
  for (; i < end; ++i)
    for (int c = 0; c < 4; ++c) {
      double s = a[i + (j0 + c) * lda];
      for (std::int64_t k = std::max<std::int64_t>(0, i - kd); k < j0; ++k) s -= a[i + k * lda] * a[j0 + c + k * lda];
      a[i + (j0 + c) * lda] = s;
    }
}

__attribute__((target("avx2,fma"))) void solve_rows(double* a, std::int64_t lda, int j0, int end,
                                                   const double* inverse) {
  int i = j0 + 4;
  for (; i + 4 <= end; i += 4) {
    __m256d x[4];
    for (int c = 0; c < 4; ++c) {
      x[c] = _mm256_loadu_pd(a + i + (j0 + c) * lda);
      for (int cc = 0; cc < c; ++cc)
        x[c] = _mm256_fnmadd_pd(x[cc], _mm256_broadcast_sd(a + j0 + c + (j0 + cc) * lda), x[c]);
      x[c] = _mm256_mul_pd(x[c], _mm256_set1_pd(inverse[c]));
      _mm256_storeu_pd(a + i + (j0 + c) * lda, x[c]);
    }
  }
  for (; i < end; ++i)
    for (int c = 0; c < 4; ++c) {
      double s = a[i + (j0 + c) * lda];
      for (int cc = 0; cc < c; ++cc) s -= a[i + (j0 + cc) * lda] * a[j0 + c + (j0 + cc) * lda];
      a[i + (j0 + c) * lda] = s * inverse[c];
    }
}

// Columns [first, last) (first a multiple of 4), those before already factored.
int panel_cholesky(double* a, int n, std::int64_t lda, std::int64_t kd, int first, int last) {
  for (int j0 = first; j0 < last; j0 += 4) {
    const int w = n - j0 < 4 ? n - j0 : 4;
    // The rows the panel's columns reach: j0 + 3 + kd at most.
    const int end = static_cast<int>(std::min<std::int64_t>(n, j0 + 4 + kd));
    if (w == 4) {
      // The vector update covers the whole 4-column panel from row j0 on,
      // the upper triangle of its diagonal block included (in band storage:
      // padding slots of the column before): that part is put back, so that
      // only the lower triangle changes.
      double upper[4][4];
      for (int c = 1; c < 4; ++c)
        for (int r = 0; r < c; ++r) upper[c][r] = a[j0 + r + (j0 + c) * lda];
      update_rows(a, lda, kd, j0, j0, end);
      for (int c = 1; c < 4; ++c)
        for (int r = 0; r < c; ++r) a[j0 + r + (j0 + c) * lda] = upper[c][r];
    }
    // The diagonal block (lower triangle), with the rest of the sums: those
    // within the panel, or all of them for a last panel narrower than 4 (it
    // also covers the rows below: there are none).
    double inverse[4];
    for (int c = 0; c < w; ++c) {
      const int j = j0 + c;
      for (int i = j; i < j0 + w; ++i) {
        double s = a[i + j * lda];
        const std::int64_t first = w == 4 ? j0 : std::max<std::int64_t>(0, i - kd);
        for (std::int64_t k = first; k < j; ++k) s -= a[i + k * lda] * a[j + k * lda];
        if (i == j) {
          if (!(s > 0)) return j + 1;  // NaN too, as dpotrf
          s = std::sqrt(s);
          inverse[c] = 1.0 / s;
        } else {
          s *= inverse[c];
        }
        a[i + j * lda] = s;
      }
    }
    if (w == 4) solve_rows(a, lda, j0, end, inverse);
  }
  return 0;
}

}  // namespace

int small_cholesky_factor(double* a, int n) { return panel_cholesky(a, n, n, n, 0, n); }

int band_panel_cholesky_factor(double* ab, std::int64_t n, std::int64_t kd, std::int64_t ld,
                               std::int64_t first_column, std::int64_t last_column) {
  return panel_cholesky(ab, static_cast<int>(n), ld - 1, kd, static_cast<int>(first_column),
                        static_cast<int>(last_column));
}

namespace {

// The rows below a block of 4 (or fewer, at the end) solved entries:
// b[i] -= Σ_c L[i, j0 + c] b[j0 + c], one column of L after the other.
__attribute__((target("avx2,fma"))) void forward_update(const double* l, int n, int j0, int w, double* b) {
  int i = j0 + w;
  for (; i + 4 <= n; i += 4) {
    __m256d acc = _mm256_loadu_pd(b + i);
    for (int c = 0; c < w; ++c)
      acc = _mm256_fnmadd_pd(_mm256_loadu_pd(l + i + (j0 + c) * n), _mm256_set1_pd(b[j0 + c]), acc);
    _mm256_storeu_pd(b + i, acc);
  }
  for (; i < n; ++i)
    for (int c = 0; c < w; ++c) b[i] -= l[i + (j0 + c) * n] * b[j0 + c];
}

// The dot products of the columns j0..j0+w-1 of L below the block with the
// already solved x: x[j0 + c] -= Σ_{i >= j0 + w} L[i, j0 + c] x[i].
__attribute__((target("avx2,fma"))) void backward_update(const double* l, int n, int j0, int w, double* x) {
  __m256d acc[4] = {_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd()};
  int i = j0 + w;
  for (; i + 4 <= n; i += 4) {
    const __m256d xi = _mm256_loadu_pd(x + i);
    for (int c = 0; c < w; ++c) acc[c] = _mm256_fmadd_pd(_mm256_loadu_pd(l + i + (j0 + c) * n), xi, acc[c]);
  }
  for (int c = 0; c < w; ++c) {
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, acc[c]);
    double s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    for (int r = i; r < n; ++r) s += l[r + (j0 + c) * n] * x[r];
    x[j0 + c] -= s;
  }
}

}  // namespace

void small_cholesky_solve(const double* l, int n, double* b) {
  // The divisions by the diagonal, out of the solves' dependency chains.
  double inverse[kSmallCholeskyMax];
  for (int j = 0; j < n; ++j) inverse[j] = 1.0 / l[j + j * n];
  // L y = b by blocks of 4 columns: the block's triangle, then the rows below.
  for (int j0 = 0; j0 < n; j0 += 4) {
    const int w = n - j0 < 4 ? n - j0 : 4;
    for (int c = 0; c < w; ++c) {
      const int j = j0 + c;
      b[j] *= inverse[j];
      for (int r = c + 1; r < w; ++r) b[j0 + r] -= l[j0 + r + j * n] * b[j];
    }
    forward_update(l, n, j0, w, b);
  }
  // Lᵀ x = y by the same blocks from the last: the rows below, then the triangle.
  const int last = n == 0 ? 0 : (n - 1) / 4 * 4;
  for (int j0 = last; j0 >= 0; j0 -= 4) {
    const int w = n - j0 < 4 ? n - j0 : 4;
    backward_update(l, n, j0, w, b);
    for (int c = w - 1; c >= 0; --c) {
      const int j = j0 + c;
      for (int r = c + 1; r < w; ++r) b[j] -= l[j0 + r + j * n] * b[j0 + r];
      b[j] *= inverse[j];
    }
  }
}

#else

int small_cholesky_factor(double*, int) { return -1; }
int band_panel_cholesky_factor(double*, std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t) {
  return -1;
}
void small_cholesky_solve(const double*, int, double*) {}

#endif

}  // namespace fastilt
