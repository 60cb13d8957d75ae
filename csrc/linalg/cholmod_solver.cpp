#include "cholmod_solver.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>

#include "errors.hpp"
#include "free_cores.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace fastilt {

CholmodSolver::Ordering parse_ordering(const std::string& name) {
  if (name == "natural") return CholmodSolver::Ordering::Natural;
  if (name == "amd") return CholmodSolver::Ordering::Amd;
  if (name == "metis") return CholmodSolver::Ordering::Metis;
  if (name == "nesdis") return CholmodSolver::Ordering::Nesdis;
  if (name == "default") return CholmodSolver::Ordering::Default;
  throw std::invalid_argument("ordering must be 'natural', 'amd', 'metis', 'nesdis' or 'default', got '" +
                              name + "'");
}

CholmodSolver::CholmodSolver(std::int64_t n, const std::int64_t* indptr,
                             const std::int64_t* indices, Ordering ordering, int nthreads,
                             const std::int64_t* order)
    : n_(n), nnz_(0), nthreads_(nthreads) {
  if (n < 0) throw std::invalid_argument("n must be non-negative");
  if ((ordering == Ordering::Given) != (order != nullptr))
    throw std::invalid_argument("an elimination order goes with Ordering::Given, and only with it");
  if (order != nullptr) {
    std::vector<char> seen(n, 0);
    for (std::int64_t k = 0; k < n; ++k) {
      if (order[k] < 0 || order[k] >= n || seen[order[k]])
        throw std::invalid_argument("the elimination order must hold each of 0 ... n - 1 once");
      seen[order[k]] = 1;
    }
  }
  // Validate the pattern up front: CHOLMOD trusts its input.
  if (indptr[0] != 0) throw std::invalid_argument("indptr[0] must be 0");
  // Sorted row indices are required: CHOLMOD 3.0's supernodal factorisation of
  // an unsorted lower triangle read wrong values (a matrix that is SPD failed
  // its pivots).  SciPy's sort_indices() gives the canonical form for free.
  for (std::int64_t j = 0; j < n; ++j) {
    const std::int64_t p0 = indptr[j], p1 = indptr[j + 1];
    if (p1 < p0) throw std::invalid_argument("indptr must be non-decreasing");
    for (std::int64_t p = p0; p < p1; ++p) {
      if (indices[p] < 0 || indices[p] >= n) {
        throw std::invalid_argument("row index out of range in column " + std::to_string(j));
      }
      if (p > p0 && indices[p] == indices[p - 1]) {
        throw std::invalid_argument("duplicate entry in column " + std::to_string(j));
      }
      if (p > p0 && indices[p] < indices[p - 1]) {
        throw std::invalid_argument("row indices of column " + std::to_string(j) +
                                    " are not sorted (use sort_indices())");
      }
    }
  }
  nnz_ = indptr[n];

  cholmod_l_start(&common_);
  // We report failures as exceptions; stop CHOLMOD printing to stderr.
  common_.print = 0;
  // Always supernodal: the BLAS-3 kernels are what make CHOLMOD fast.
  common_.supernodal = CHOLMOD_SUPERNODAL;
  // A failed pivot aborts the factorisation early; we throw anyway.
  common_.quick_return_if_not_posdef = 1;

  A_ = cholmod_l_allocate_sparse(n, n, std::max<std::int64_t>(nnz_, 1), /*sorted=*/1,
                                 /*packed=*/1, /*stype=*/-1, CHOLMOD_REAL, &common_);
  if (A_ == nullptr) {
    cholmod_l_finish(&common_);
    throw std::bad_alloc();
  }
  std::memcpy(A_->p, indptr, sizeof(SuiteSparse_long) * (n + 1));
  std::memcpy(A_->i, indices, sizeof(SuiteSparse_long) * nnz_);
  std::fill_n(static_cast<double*>(A_->x), A_->nzmax, 0.0);

  try {
    analyze(ordering, order);
  } catch (...) {
    cholmod_l_free_sparse(&A_, &common_);
    cholmod_l_finish(&common_);
    throw;
  }
}

CholmodSolver::~CholmodSolver() {
  for (auto& helper : helpers_) {
    cholmod_l_free_dense(&helper->X, &helper->common);
    cholmod_l_free_dense(&helper->Y, &helper->common);
    cholmod_l_free_dense(&helper->E, &helper->common);
    cholmod_l_finish(&helper->common);
  }
  cholmod_l_free_dense(&X_, &common_);
  cholmod_l_free_dense(&Y_, &common_);
  cholmod_l_free_dense(&E_, &common_);
  cholmod_l_free_factor(&L_, &common_);
  cholmod_l_free_sparse(&A_, &common_);
  cholmod_l_finish(&common_);
}

namespace {

// CHOLMOD's ordering method for each of ours; -1 for its default strategy
// (nmethods = 0: AMD, then METIS where AMD's fill is poor).
int cholmod_method(CholmodSolver::Ordering ordering) {
  switch (ordering) {
    case CholmodSolver::Ordering::Natural: return CHOLMOD_NATURAL;
    case CholmodSolver::Ordering::Amd: return CHOLMOD_AMD;
    case CholmodSolver::Ordering::Metis: return CHOLMOD_METIS;
    case CholmodSolver::Ordering::Nesdis: return CHOLMOD_NESDIS;
    case CholmodSolver::Ordering::Given: return CHOLMOD_GIVEN;
    case CholmodSolver::Ordering::Default: break;
  }
  return -1;
}

}  // namespace

void CholmodSolver::analyze(Ordering ordering, const std::int64_t* order) {
  const int method = cholmod_method(ordering);
  if (method >= 0) {
    common_.nmethods = 1;
    common_.method[0].ordering = method;
  }
  // Keep the caller's order exactly (a postorder would permute it).
  if (ordering == Ordering::Natural) common_.postorder = 0;
  std::vector<SuiteSparse_long> given;
  if (order != nullptr) given.assign(order, order + n_);
  L_ = given.empty() ? cholmod_l_analyze(A_, &common_)
                     : cholmod_l_analyze_p(A_, given.data(), nullptr, 0, &common_);
  if (L_ == nullptr) throw_cholmod_error("cholmod_analyze", common_);
  factor_nnz_ = common_.lnz;
}

void CholmodSolver::factorize(const double* values) {
  single_current_ = false;
  numeric_current_ = false;
  std::memcpy(A_->x, values, sizeof(double) * nnz_);
  int ok;
#ifdef _OPENMP
  const int nthreads = nthreads_.load();
  if (nthreads > 0) {
    // Debian's CHOLMOD 3.0.x hard-codes `num_threads(4)` on its OpenMP
    // loops, which overrides omp_set_num_threads() and oversubscribes small
    // machines.  The thread_limit of a (host) teams region caps every
    // parallel region nested in it, without touching process-wide state.
#pragma omp teams num_teams(1) thread_limit(nthreads)
    ok = cholmod_l_factorize(A_, L_, &common_);
  } else {
    ok = cholmod_l_factorize(A_, L_, &common_);
  }
#else
  ok = cholmod_l_factorize(A_, L_, &common_);
#endif
  if (!ok || common_.status < CHOLMOD_OK) throw_cholmod_error("cholmod_factorize", common_);
  if (common_.status == CHOLMOD_NOT_POSDEF) {
    throw NotPositiveDefinite(static_cast<std::int64_t>(L_->minor) + 1);
  }
  numeric_current_ = true;
}

void CholmodSolver::solve(const double* values, double* b, std::int64_t nrhs) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (n_ == 0 || nrhs == 0) return;
  factorize(values);
  solve_in_place(CHOLMOD_A, b, nrhs);
}

void CholmodSolver::factor(const double* values) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (n_ > 0) factorize(values);
}

void CholmodSolver::check_factored(const char* where, bool numeric) const {
  if (!(numeric_current_ || (single_current_ && !numeric)))
    throw std::logic_error(std::string("CholmodSolver::") + where + " before factor");
}

bool CholmodSolver::round_to_single() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (n_ == 0) return false;
  check_factored("round_to_single", /*numeric=*/true);
  single_current_ = single_.assign(*L_);
  return single_current_;
}

bool CholmodSolver::factor_single(const double* values) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (n_ == 0) return false;
  numeric_current_ = false;
  single_current_ = single_.factorize(*L_, static_cast<const std::int64_t*>(A_->p),
                                      static_cast<const std::int64_t*>(A_->i), values);
  return single_current_;
}

void CholmodSolver::set_split_solve_entries(double entries) {
  std::lock_guard<std::mutex> lock(mutex_);
  single_.split_solves_from(entries);
  single_current_ = false;
}

void CholmodSolver::forward(double* b) { one_column(b, /*transposed=*/false); }

void CholmodSolver::backward(double* b) { one_column(b, /*transposed=*/true); }

void CholmodSolver::one_column(double* b, bool transposed) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (n_ == 0) return;
  check_factored(transposed ? "backward" : "forward");
  if (single_current_) {
    transposed ? single_.backward(b) : single_.forward(b);
    return;
  }
  // M⁻¹ = L⁻¹ P and M⁻ᵀ = Pᵀ L⁻ᵀ.
  static constexpr int kSystems[2][2] = {{CHOLMOD_P, CHOLMOD_L}, {CHOLMOD_Lt, CHOLMOD_Pt}};
  for (const int system : kSystems[transposed]) solve_in_place(system, b, 1);
}

void CholmodSolver::forward_in_blocks(double* b, std::int64_t nrhs, std::int64_t columns) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (n_ == 0 || nrhs == 0) return;
  check_factored("forward_in_blocks");
  if (single_current_) {
    // Blocks as narrow as SingleFactor solves at once: most parts for the cores.
    const std::int64_t width = SingleFactor::kBlockColumns;
    for_each_part(static_cast<int>((nrhs + width - 1) / width), [&](int part) {
      single_.forward_columns(b + part * width * n_, std::min(width, nrhs - part * width));
    });
    return;
  }
  const int parts = static_cast<int>((nrhs + columns - 1) / columns);
  const std::int64_t width = (nrhs + parts - 1) / parts;
#ifdef _OPENMP
  while (static_cast<int>(helpers_.size()) < std::min(parts, omp_get_max_threads()) - 1) {
    helpers_.push_back(std::make_unique<Workspace>());
    cholmod_l_start(&helpers_.back()->common);
    helpers_.back()->common.print = 0;
  }
#endif
  [[maybe_unused]] const std::thread::id caller = std::this_thread::get_id();
  for_each_part(parts, [&](int part) {
    const std::int64_t first = part * width, count = std::min(width, nrhs - first);
    if (count <= 0) return;
    double* block = b + first * n_;
    // A helper of the team that for_each_part started has its own workspace.
    Workspace* helper = nullptr;
#ifdef _OPENMP
    if (std::this_thread::get_id() != caller) helper = helpers_[omp_get_thread_num() - 1].get();
#endif
    for (const int system : {CHOLMOD_P, CHOLMOD_L}) {
      if (helper == nullptr)
        solve_in_place(system, block, count);
      else
        solve_in_place(system, block, count, helper->common, helper->X, helper->Y, helper->E);
    }
  });
}

void CholmodSolver::solve_in_place(int system, double* b, std::int64_t nrhs) {
  solve_in_place(system, b, nrhs, common_, X_, Y_, E_);
}

void CholmodSolver::solve_in_place(int system, double* b, std::int64_t nrhs, cholmod_common& common,
                                   cholmod_dense*& X, cholmod_dense*& Y, cholmod_dense*& E) {
  // Wrap the caller's buffer as a cholmod_dense header (no copy).
  cholmod_dense B;
  std::memset(&B, 0, sizeof(B));
  B.nrow = n_;
  B.ncol = nrhs;
  B.nzmax = n_ * nrhs;
  B.d = n_;
  B.x = b;
  B.xtype = CHOLMOD_REAL;
  B.dtype = CHOLMOD_DOUBLE;
  if (!cholmod_l_solve2(system, L_, &B, nullptr, &X, nullptr, &Y, &E, &common)) {
    throw_cholmod_error("cholmod_solve", common);
  }
  std::memcpy(b, X->x, sizeof(double) * n_ * nrhs);
}

void CholmodSolver::throw_cholmod_error(const char* where, const cholmod_common& common) {
  if (common.status == CHOLMOD_OUT_OF_MEMORY) throw std::bad_alloc();
  if (common.status == CHOLMOD_TOO_LARGE) {
    throw std::length_error(std::string(where) + ": problem too large");
  }
  throw std::runtime_error(std::string(where) + " failed (CHOLMOD status " +
                           std::to_string(common.status) + ")");
}

}  // namespace fastilt
