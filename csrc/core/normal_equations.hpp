// The regularised normal equations (W + Γ) g = Y in the layout of the solver:
// dense (LAPACK dpotrf), band (LAPACK dpbtrf) or sparse CSC (CHOLMOD).
// W is fixed for an inversion; Γ arrives in stencil storage each iteration and
// is added onto a copy of W before the factorisation.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "grid.hpp"

namespace fastilt {

class CholmodSolver;

enum class Layout { Dense, Band, Csc };

class NormalEquations {
 public:
  // Dense: `w` is n x n column-major (lower triangle read).
  static NormalEquations dense(const Grid& grid, const StencilMatrix& gamma, std::vector<double> w);
  // Band: `w_band` is LAPACK lower band storage (kd+1) x n of W.
  static NormalEquations band(const Grid& grid, const StencilMatrix& gamma,
                              std::vector<double> w_band, std::int64_t kd);
  // Sparse: lower triangle of W as CSC; the pattern is extended by the
  // stencil of Γ and analysed once (ordering: see CholmodSolver).
  static NormalEquations sparse(const Grid& grid, const StencilMatrix& gamma,
                                const std::vector<std::int64_t>& indptr,
                                const std::vector<std::int64_t>& indices,
                                const std::vector<double>& data, bool natural_ordering);

  NormalEquations(NormalEquations&&) noexcept;
  ~NormalEquations();

  // x = (W + Γ)^{-1} y; throws NotPositiveDefinite.
  void solve(const StencilMatrix& gamma, const double* y, double* x);

  Layout layout() const { return layout_; }
  std::int64_t bandwidth() const { return kd_; }

 private:
  NormalEquations(Layout layout, const Grid& grid);
  void add_gamma(const StencilMatrix& gamma);

  Layout layout_;
  Grid grid_;
  std::int64_t n_ = 0, kd_ = 0;
  std::vector<double> base_;       // W in the solver's layout
  std::vector<double> assembled_;  // W + Γ (factored in place for dense/band)
  // Sparse layout only:
  std::vector<std::int64_t> indptr_, indices_;
  std::vector<std::int64_t> slot_position_;  // per stencil slot (o * n + i), -1 if unused
  std::unique_ptr<CholmodSolver> cholmod_;
};

bool have_cholmod();

}  // namespace fastilt
