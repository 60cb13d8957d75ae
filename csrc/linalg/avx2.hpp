// Where the hand-written AVX2/FMA kernels (panel_cholesky.cpp, gram.cpp,
// matvec.cpp, row_summary.cpp, single_factor.cpp) can be compiled and run.
// They are compiled with per-function target attributes, so the library still
// loads on any x86-64 CPU; callers ask avx2_fma_available() at run time and
// take LAPACK/BLAS or plain loops otherwise.  FASTILT_NO_AVX2=1 in the
// environment takes those paths on any CPU: CI tests them on machines that
// have AVX2 (tests/test_portable_kernels.py), and a user can rule the kernels
// out when results differ between machines.
#pragma once

#include <cstdlib>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FASTILT_HAVE_AVX2_KERNELS 1
#include <immintrin.h>
#endif

namespace fastilt {

inline bool avx2_fma_available() {
#ifdef FASTILT_HAVE_AVX2_KERNELS
  const char* off = std::getenv("FASTILT_NO_AVX2");
  if (off != nullptr && off[0] != '\0' && off[0] != '0') return false;
  __builtin_cpu_init();  // safe to call again; needed if this runs before libgcc's own
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

}  // namespace fastilt
