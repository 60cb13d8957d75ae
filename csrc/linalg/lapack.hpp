// Hand-written prototypes for the few Fortran LAPACK routines we call.
//
// We deliberately avoid LAPACKE / <lapack.h>: Debian's libopenblas-dev (and
// most other BLAS/LAPACK builds) export the plain Fortran symbols, so a few
// prototypes are all we need and the build gains no extra dependency.  Every
// routine declared here needs its line in the BLAS_SYMBOL_PREFIX block below
// (and in meson.build's symbol check), or a prefixed build fails at import.
//
// Conventions: LP64 (32-bit `int` integers), column-major storage, all
// arguments by pointer, and a trailing hidden `size_t` length for each
// CHARACTER argument (gfortran ABI).  Passing the hidden length is correct for
// the Fortran routines and harmless for OpenBLAS's C re-implementations
// (extra trailing register arguments are ignored on every supported ABI).
#pragma once

#include <cstddef>

// Some OpenBLAS builds prefix every exported symbol so that they can share a
// process with another BLAS: scipy-openblas32 (the OpenBLAS wheel SciPy and
// NumPy use, fastilt's LAPACK where the system has none) exports
// scipy_dpotrf_, scipy_openblas_set_num_threads, ...  meson.build passes its
// prefix as BLAS_SYMBOL_PREFIX (the name its pkg-config file uses); the names
// below then map onto the prefixed symbols and no call site changes.
#ifdef BLAS_SYMBOL_PREFIX
#define FASTILT_BLAS_CONCAT_(prefix, name) prefix##name
#define FASTILT_BLAS_CONCAT(prefix, name) FASTILT_BLAS_CONCAT_(prefix, name)
#define FASTILT_BLAS(name) FASTILT_BLAS_CONCAT(BLAS_SYMBOL_PREFIX, name)
#define dpotrf_ FASTILT_BLAS(dpotrf_)
#define dpotrs_ FASTILT_BLAS(dpotrs_)
#define dpbtrf_ FASTILT_BLAS(dpbtrf_)
#define dpbtrs_ FASTILT_BLAS(dpbtrs_)
#define dgemm_ FASTILT_BLAS(dgemm_)
#define dsyrk_ FASTILT_BLAS(dsyrk_)
#define dgemv_ FASTILT_BLAS(dgemv_)
#define dtbsv_ FASTILT_BLAS(dtbsv_)
#define dtrsv_ FASTILT_BLAS(dtrsv_)
#define dtrsm_ FASTILT_BLAS(dtrsm_)
#define spotrf_ FASTILT_BLAS(spotrf_)
#define ssyrk_ FASTILT_BLAS(ssyrk_)
#define strsm_ FASTILT_BLAS(strsm_)
#define sgemm_ FASTILT_BLAS(sgemm_)
#define openblas_get_num_threads FASTILT_BLAS(openblas_get_num_threads)
#define openblas_set_num_threads FASTILT_BLAS(openblas_set_num_threads)
#endif

extern "C" {

// Cholesky factorisation of a dense SPD matrix: A = L L^T (uplo = 'L').
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda,
             int* info, std::size_t uplo_len);

// Solve A X = B with the factor from dpotrf_.
void dpotrs_(const char* uplo, const int* n, const int* nrhs, const double* a,
             const int* lda, double* b, const int* ldb, int* info,
             std::size_t uplo_len);

// Cholesky factorisation of an SPD band matrix with kd sub-diagonals.
void dpbtrf_(const char* uplo, const int* n, const int* kd, double* ab,
             const int* ldab, int* info, std::size_t uplo_len);

// Solve A X = B with the band factor from dpbtrf_.
void dpbtrs_(const char* uplo, const int* n, const int* kd, const int* nrhs,
             const double* ab, const int* ldab, double* b, const int* ldb,
             int* info, std::size_t uplo_len);

// BLAS: C = alpha op(A) op(B) + beta C.
void dgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
            const double* alpha, const double* a, const int* lda, const double* b, const int* ldb,
            const double* beta, double* c, const int* ldc, std::size_t transa_len,
            std::size_t transb_len);

// BLAS: C = alpha op(A) op(A)ᵀ + beta C, triangle `uplo` of C.
void dsyrk_(const char* uplo, const char* trans, const int* n, const int* k, const double* alpha,
            const double* a, const int* lda, const double* beta, double* c, const int* ldc,
            std::size_t uplo_len, std::size_t trans_len);

// BLAS: y = alpha op(A) x + beta y.
void dgemv_(const char* trans, const int* m, const int* n, const double* alpha, const double* a,
            const int* lda, const double* x, const int* incx, const double* beta, double* y,
            const int* incy, std::size_t trans_len);

// BLAS: solve op(A) x = b for a triangular band A with k off-diagonals.
void dtbsv_(const char* uplo, const char* trans, const char* diag, const int* n, const int* k,
            const double* a, const int* lda, double* x, const int* incx, std::size_t uplo_len,
            std::size_t trans_len, std::size_t diag_len);

// BLAS: solve op(A) x = b for a triangular A.
void dtrsv_(const char* uplo, const char* trans, const char* diag, const int* n, const double* a,
            const int* lda, double* x, const int* incx, std::size_t uplo_len, std::size_t trans_len,
            std::size_t diag_len);

// BLAS: B = alpha B op(A)^{-1} (side 'R') for a triangular A.
void dtrsm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m,
            const int* n, const double* alpha, const double* a, const int* lda, double* b,
            const int* ldb, std::size_t side_len, std::size_t uplo_len, std::size_t transa_len,
            std::size_t diag_len);

// The same in single precision, for SingleFactor::factorize.
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, std::size_t uplo_len);
void ssyrk_(const char* uplo, const char* trans, const int* n, const int* k, const float* alpha,
            const float* a, const int* lda, const float* beta, float* c, const int* ldc,
            std::size_t uplo_len, std::size_t trans_len);
void strsm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m,
            const int* n, const float* alpha, const float* a, const int* lda, float* b,
            const int* ldb, std::size_t side_len, std::size_t uplo_len, std::size_t transa_len,
            std::size_t diag_len);
void sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k, const float* alpha,
            const float* a, const int* lda, const float* b, const int* ldb, const float* beta, float* c,
            const int* ldc, std::size_t transa_len, std::size_t transb_len);

// OpenBLAS's thread control, declared weak: other BLAS libraries lack it and
// the symbols are then null (see BlasThreads in cholesky.hpp).
int openblas_get_num_threads(void) __attribute__((weak));
void openblas_set_num_threads(int) __attribute__((weak));

}  // extern "C"
