// The regularised normal equations (W + Γ) g = Y in the layout of the solver:
// dense (LAPACK dpotrf), band (LAPACK dpbtrf, two halves on two cores: see
// SplitBandCholesky) or sparse CSC (CHOLMOD).
// W is fixed for an inversion; Γ arrives in stencil storage each iteration and
// is added onto W before the factorisation.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "../linalg/split_band_cholesky.hpp"
#include "grid.hpp"
#include "linear_system.hpp"

namespace fastilt {

class CholmodSolver;

// The CSC arrays of a symmetric matrix (both triangles), read in place:
// SciPy's 32- or 64-bit indices; `owner` keeps the memory alive.
struct CscView {
  const void* indptr = nullptr;
  const void* indices = nullptr;
  bool wide_indices = true;  // std::int64_t, else std::int32_t
  const double* data = nullptr;
  std::shared_ptr<const void> owner;
};

enum class Layout { Dense, Band, Sparse };

// W + Γ assembled in one storage layout and factored by Cholesky.
class NormalEquations : public LinearSystem {
 public:
  // Dense: `w` is n x n column-major (lower triangle read).
  static NormalEquations dense(const Grid& grid, const StencilMatrix& gamma, std::vector<double> w);
  // Band: `w` is all of W (read in place, not copied), every entry within kd
  // of the diagonal.  W's entries are spread into the band storage each
  // iteration (the band of a pseudo-2D system is ~4x larger than W), each
  // half of the band by the thread that factors it.
  static NormalEquations band(const Grid& grid, const StencilMatrix& gamma, CscView w, std::int64_t kd);
  // Band with W = I ⊗ B: block diagonal, every diagonal block the same
  // symmetric b x b matrix `block` (column-major).  That is the W of data
  // inverted along its leading dimensions only (a pseudo-2D series): no W of
  // n x b values is kept or read each iteration, only B.
  static NormalEquations band_of_repeated_block(const Grid& grid, const StencilMatrix& gamma,
                                                std::vector<double> block, std::int64_t b, std::int64_t kd);
  // Sparse: `lower_w` is W's lower triangle; the pattern is extended by the
  // stencil of Γ and analysed once, in CHOLMOD's choice of order, in the
  // grid's own, or by nested dissection of the grid (grid_dissection.hpp:
  // for Γ alone, whose entries are all the stencil's).
  enum class Ordering { Cholmod, Natural, GridDissection };
  static NormalEquations sparse(const Grid& grid, const StencilMatrix& gamma, const Csc& lower_w,
                                Ordering ordering);

  NormalEquations(NormalEquations&&) noexcept;
  ~NormalEquations() override;

  void solve(const StencilMatrix& gamma, const double* y, double* x) override;
  // Sparse layout: assemble W + Γ and factor it without solving; the factor
  // is then applied through the returned solver.  single_precision: a factor
  // in single precision for a preconditioner, CHOLMOD's rounded where
  // fastilt's own single-precision factorisation fails
  // (CholmodSolver::factor_single, round_to_single).
  CholmodSolver& factor(const StencilMatrix& gamma, bool single_precision = false);
  int blas_threads() const override;
  int parallel_parts() const override { return band_ ? band_->blocks() : 1; }

 private:
  NormalEquations(Layout layout, const Grid& grid);
  // Band: the layout with Γ's stencil checked against kd; W and the band
  // storage (allocate_band, once W is checked too) follow.
  static NormalEquations band_layout(const Grid& grid, const StencilMatrix& gamma, std::int64_t kd);
  void allocate_band();
  void add_gamma(const StencilMatrix& gamma);
  // Band: rows [begin, end) of W + Γ into band_, each as its line
  // (SplitBandCholesky::Line); add_w(i, line) adds row i of W to it (from the
  // CSC arrays or from the repeated block).
  template <typename AddW>
  void fill_band_rows(const StencilMatrix& gamma, std::int64_t begin, std::int64_t end, const AddW& add_w);
  template <typename Index>
  void add_w_line_from_csc(std::int64_t i, SplitBandCholesky::Line line) const;
  void add_w_line_from_block(std::int64_t i, SplitBandCholesky::Line line) const;

  Layout layout_;
  Grid grid_;
  std::int64_t n_ = 0, kd_ = 0;
  std::vector<double> base_;       // W: dense, or the values of pattern_
  std::vector<double> assembled_;  // W + Γ (factored in place for dense)
  // Sparse layout: the lower triangle of W + Γ.
  std::vector<std::int64_t> indptr_, indices_;
  // Band layout: W as CSC arrays, or as the repeated block B (b > 0).
  CscView w_;
  std::vector<double> block_;
  std::int64_t b_ = 0;
  std::unique_ptr<SplitBandCholesky> band_;
  // Sparse layout only:
  std::vector<std::int64_t> slot_position_;  // per stencil slot (o * n + i), -1 if unused
  std::unique_ptr<CholmodSolver> cholmod_;
};

bool have_cholmod();

}  // namespace fastilt
