// Where the hand-written AVX2/FMA kernels (small_cholesky.cpp, gram.cpp) can
// be compiled and run.  They are compiled with per-function target
// attributes, so the library still loads on any x86-64 CPU; callers ask
// avx2_fma_available() at run time and take LAPACK/BLAS otherwise.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FASTILT_HAVE_AVX2_KERNELS 1
#include <immintrin.h>
#endif

namespace fastilt {

inline bool avx2_fma_available() {
#ifdef FASTILT_HAVE_AVX2_KERNELS
  __builtin_cpu_init();  // safe to call again; needed if this runs before libgcc's own
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

}  // namespace fastilt
