#include "small_cholesky.hpp"

#include <cmath>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FASTILT_SMALL_CHOLESKY_AVX2 1
#include <immintrin.h>
#endif

namespace fastilt {

#ifdef FASTILT_SMALL_CHOLESKY_AVX2

bool small_cholesky_available() {
  __builtin_cpu_init();  // safe to call again; needed if this runs before libgcc's own
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

namespace {

// Left-looking by panels of 4 columns.  For panel j0..j0+3:
//   1. the rows below the panel's diagonal block get A -= L[:, :j0] L[panel, :j0]ᵀ,
//      12 (then 4) rows at a time with the 4 columns in registers;
//   2. the 4 x 4 diagonal block gets the same update and is factored;
//   3. the rows below solve x L_blockᵀ = row, 4 rows at a time.
// A last panel narrower than 4 and row remainders go through scalar loops.
__attribute__((target("avx2,fma"))) void update_rows(double* a, int n, int j0, int i0, int rows) {
  const int lda = n;
  int i = i0;
  const int end = i0 + rows;
  for (; i + 12 <= end; i += 12) {
    __m256d acc[4][3];
    for (int c = 0; c < 4; ++c)
      for (int v = 0; v < 3; ++v) acc[c][v] = _mm256_loadu_pd(a + i + 4 * v + (j0 + c) * lda);
    for (int k = 0; k < j0; ++k) {
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
    for (int k = 0; k < j0; ++k) {
      const double* lk = a + k * lda;
      const __m256d l0 = _mm256_loadu_pd(lk + i);
      for (int c = 0; c < 4; ++c) acc[c] = _mm256_fnmadd_pd(l0, _mm256_broadcast_sd(lk + j0 + c), acc[c]);
    }
    for (int c = 0; c < 4; ++c) _mm256_storeu_pd(a + i + (j0 + c) * lda, acc[c]);
  }
  for (; i < end; ++i)
    for (int c = 0; c < 4; ++c) {
      double s = a[i + (j0 + c) * lda];
      for (int k = 0; k < j0; ++k) s -= a[i + k * lda] * a[j0 + c + k * lda];
      a[i + (j0 + c) * lda] = s;
    }
}

__attribute__((target("avx2,fma"))) void solve_rows(double* a, int n, int j0, const double* inverse) {
  const int lda = n;
  int i = j0 + 4;
  for (; i + 4 <= n; i += 4) {
    __m256d x[4];
    for (int c = 0; c < 4; ++c) {
      x[c] = _mm256_loadu_pd(a + i + (j0 + c) * lda);
      for (int cc = 0; cc < c; ++cc)
        x[c] = _mm256_fnmadd_pd(x[cc], _mm256_broadcast_sd(a + j0 + c + (j0 + cc) * lda), x[c]);
      x[c] = _mm256_mul_pd(x[c], _mm256_set1_pd(inverse[c]));
      _mm256_storeu_pd(a + i + (j0 + c) * lda, x[c]);
    }
  }
  for (; i < n; ++i)
    for (int c = 0; c < 4; ++c) {
      double s = a[i + (j0 + c) * lda];
      for (int cc = 0; cc < c; ++cc) s -= a[i + (j0 + cc) * lda] * a[j0 + c + (j0 + cc) * lda];
      a[i + (j0 + c) * lda] = s * inverse[c];
    }
}

}  // namespace

int small_cholesky_factor(double* a, int n) {
  const int lda = n;
  for (int j0 = 0; j0 < n; j0 += 4) {
    const int w = n - j0 < 4 ? n - j0 : 4;
    const int first_in_block = w == 4 ? j0 : 0;  // where sums over k start inside the block
    if (w == 4) {
      // The vector update covers the whole 4-column panel from row j0 on,
      // the upper triangle of its diagonal block included: that part is put
      // back, so that only the lower triangle changes.
      double upper[4][4];
      for (int c = 1; c < 4; ++c)
        for (int r = 0; r < c; ++r) upper[c][r] = a[j0 + r + (j0 + c) * lda];
      update_rows(a, n, j0, j0, n - j0);
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
        for (int k = first_in_block; k < j; ++k) s -= a[i + k * lda] * a[j + k * lda];
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
    if (w == 4) solve_rows(a, n, j0, inverse);
  }
  return 0;
}

#else

bool small_cholesky_available() { return false; }
int small_cholesky_factor(double*, int) { return -1; }

#endif

}  // namespace fastilt
