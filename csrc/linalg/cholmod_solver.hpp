// Sparse supernodal Cholesky via CHOLMOD, with the symbolic analysis done
// once per sparsity pattern (no Python here).
//
// Only compiled when meson finds CHOLMOD (FASTILT_HAVE_CHOLMOD).
#pragma once

#include <cholmod.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "single_factor.hpp"

namespace fastilt {

// Solves A x = b for many SPD matrices A that share ONE sparsity pattern.
//
// Pattern convention: A is given in compressed sparse column (CSC) form.
// CHOLMOD is told the matrix is symmetric with its LOWER triangle stored
// (stype = -1): entries with row < column are ignored.  So one may pass
// either only the lower triangle or the full symmetric matrix (the cheapest
// choice from scipy, which then needs no triangle extraction).  Row indices
// must be sorted and must not repeat within a column (canonical CSC).
//
// cholmod_analyze (fill-reducing ordering + supernodal symbolic factor) runs
// once in the constructor; every solve() then only does the numeric
// cholmod_factorize + cholmod_solve for the new values.
class CholmodSolver {
 public:
  enum class Ordering {
    Natural,  // keep the given order (best for banded / already ordered A)
    Amd,      // approximate minimum degree
    Metis,    // nested dissection (METIS_NodeND)
    Nesdis,   // CHOLMOD's nested dissection (METIS's bisections, CAMD within)
    Default,  // CHOLMOD's own choice: AMD, then METIS if AMD's fill is poor
    Given,    // the caller's elimination order (the constructor's `order`)
  };

  // indptr has n+1 entries, indices has indptr[n] entries (64-bit).
  // nthreads > 0 caps the OpenMP threads CHOLMOD may use inside a
  // factorisation (see cholmod_solver.cpp); 0 leaves CHOLMOD's default.
  // 1 is the recommended value: CHOLMOD 3.0's OpenMP loops are only the
  // sparse assembly steps, the dense supernode work is already threaded by
  // BLAS, and on a 2-core machine 4 (default) or 2 OpenMP threads spinning
  // next to the BLAS threads made factorisation 1.5x to 20x slower.
  // With Ordering::Given, `order` (n entries, a permutation of 0 ... n - 1)
  // is the elimination order: order[k] is the row and column eliminated
  // k-th (CHOLMOD may still reorder within it, keeping its fill: a postorder).
  CholmodSolver(std::int64_t n, const std::int64_t* indptr,
                const std::int64_t* indices, Ordering ordering, int nthreads,
                const std::int64_t* order = nullptr);
  ~CholmodSolver();
  CholmodSolver(const CholmodSolver&) = delete;
  CholmodSolver& operator=(const CholmodSolver&) = delete;

  // Factor A (values: indptr[n] entries in pattern order) and overwrite the
  // column-major n x nrhs block `b` with A^{-1} b.  Throws
  // NotPositiveDefinite if A is not SPD.  Serialised by an internal mutex
  // (CHOLMOD's workspace in `common_` is not thread-safe).
  void solve(const double* values, double* b, std::int64_t nrhs);

  // The same in steps, for callers that need the factor itself: CHOLMOD
  // factors P A Pᵀ = L Lᵀ, so A = M Mᵀ with M = Pᵀ L.
  void factor(const double* values);
  // M⁻¹ b and M⁻ᵀ b for one right-hand side with the last factor().
  void forward(double* b);
  void backward(double* b);
  // For a preconditioner: rounds the last factor to single precision, in L
  // itself (forward_in_blocks() and CHOLMOD's solves then use the
  // rounded factor too), and keeps a single-precision copy from which
  // forward() and backward() then solve, reading half the bytes
  // (single_factor.hpp).  False, leaving the factor as it is, where a value
  // does not fit single precision.
  bool round_to_single();
  // For a preconditioner, instead of factor() and round_to_single(): the
  // factorisation itself in single precision (SingleFactor::factorize), on
  // the same symbolic analysis, about twice as fast.  False where it fails (a
  // pivot not positive in single precision, a value beyond its range): call
  // factor() then.
  bool factor_single(const double* values);
  // M⁻¹ b for an n x nrhs block, in blocks of about `columns` columns (a
  // narrow block of right-hand sides stays in cache while CHOLMOD gathers each
  // supernode's rows of them), the blocks on the free cores (free_cores.hpp).
  // After round_to_single() or factor_single(), from the single-precision
  // copy in its own blocks and in single-precision arithmetic
  // (SingleFactor::forward_columns).
  void forward_in_blocks(double* b, std::int64_t nrhs, std::int64_t columns);

  std::int64_t n() const noexcept { return n_; }
  std::int64_t nnz() const noexcept { return nnz_; }
  bool is_supernodal() const noexcept { return L_ != nullptr && L_->is_super; }
  // Entries in L as predicted by the symbolic analysis (fill diagnostics).
  double factor_nnz() const noexcept { return factor_nnz_; }
  int nthreads() const noexcept { return nthreads_; }
  void set_nthreads(int nthreads) noexcept { nthreads_ = nthreads; }
  // From how many entries of the single-precision factor its one-column
  // solves are split over two cores (SingleFactor::kSplitSolveEntries); a
  // change takes effect with the next round_to_single() or factor_single().
  double split_solve_entries() const { return single_.split_solve_entries(); }
  void set_split_solve_entries(double entries);

 private:
  void analyze(Ordering ordering, const std::int64_t* order);
  void factorize(const double* values);
  // Throws unless a factorisation is there to solve with (numeric: CHOLMOD's own).
  void check_factored(const char* where, bool numeric = false) const;
  void one_column(double* b, bool transposed);  // forward() and backward()
  // CHOLMOD's solve workspace; each thread that solves needs its own.
  struct Workspace {
    cholmod_common common;
    cholmod_dense* X = nullptr;
    cholmod_dense* Y = nullptr;
    cholmod_dense* E = nullptr;
  };
  void solve_in_place(int system, double* b, std::int64_t nrhs);
  void solve_in_place(int system, double* b, std::int64_t nrhs, cholmod_common& common, cholmod_dense*& X,
                      cholmod_dense*& Y, cholmod_dense*& E);
  [[noreturn]] static void throw_cholmod_error(const char* where, const cholmod_common& common);

  std::int64_t n_;
  std::int64_t nnz_;
  std::atomic<int> nthreads_;  // may be changed while another thread solves
  double factor_nnz_ = 0.0;
  std::mutex mutex_;

  cholmod_common common_;
  cholmod_sparse* A_ = nullptr;  // fixed pattern; values refreshed per solve
  cholmod_factor* L_ = nullptr;  // symbolic once, numeric per solve
  SingleFactor single_;          // L_ rounded, from round_to_single()
  bool single_current_ = false;   // single_ holds the last factorisation (rounded or its own)
  bool numeric_current_ = false;  // L_ holds it (factor())
  // Workspace reused by cholmod_l_solve2 between calls.
  cholmod_dense* X_ = nullptr;
  cholmod_dense* Y_ = nullptr;
  cholmod_dense* E_ = nullptr;
  // Workspaces of the helper threads of forward_in_blocks (thread t uses t - 1).
  std::vector<std::unique_ptr<Workspace>> helpers_;
};

// Parse "natural" | "amd" | "metis" | "default"; throws std::invalid_argument.
CholmodSolver::Ordering parse_ordering(const std::string& name);

}  // namespace fastilt
