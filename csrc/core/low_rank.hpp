// (W + Γ) x = y for data inverted in every dimension, where W = ⊗_d W_d is
// dense but of low numerical rank and Γ is sparse: no n x n matrix is formed.
//
// W ≈ AᵀA with A (k x n) built from pairs of per-dimension singular vectors,
// and y = Aᵀb + r with r small.  With the sparse Cholesky factor Γ = M Mᵀ
// (M = Pᵀ L, CHOLMOD with a fill-reducing order), Z = M⁻¹Aᵀ and C = I + ZᵀZ:
//
//     (AᵀA + Γ)⁻¹ (Aᵀb + r) = M⁻ᵀ (x + Z C⁻¹ (b − Zᵀx)),   x = M⁻¹ r,
//
// the data-space form of ILTpy's alt_g solvers, with the bulk of y entering
// through b (no cancellation).  That answer starts the first solve, later
// ones start from the last solution; the same formula applied to residuals
// preconditions conjugate gradients on the exact W (applied one dimension at
// a time): the truncation of A only costs a few CG steps, and the result
// solves the exact system to rounding.  Once Γ changes little between
// iterations, the factor of an earlier Γ is kept as preconditioner while it
// lowers the average cost per solve (see solve()).
#pragma once

#include <cstdint>
#include <vector>

#include "linear_system.hpp"
#include "normal_equations.hpp"

namespace fastilt {

class LowRankSystem : public LinearSystem {
 public:
  // w_factors[d]: W_d (Ntau_d x Ntau_d, symmetric); a: A as k rows of n
  // values; b: k values.  CG stops when ‖y − (W + Γ)x‖ ≤ rtol ‖y‖ or x has
  // stopped moving (kStepTolerance), after max_steps, or when the residual
  // has stopped falling.  With single_precision, Γ is factored in single
  // precision (CHOLMOD's factor rounded where that fails) and Z and CG solve
  // with that factor (single_factor.hpp): about the same counts of
  // factorisations and steps, and 1.3x to 1.5x faster (docs/performance.md).
  LowRankSystem(const Grid& grid, const StencilMatrix& gamma, std::vector<std::vector<double>> w_factors,
                std::vector<double> a, std::vector<double> b, double rtol, int max_steps,
                bool single_precision = true);

  void solve(const StencilMatrix& gamma, const double* y, double* x) override;
  std::int64_t coefficient_count() const override { return k_; }
  void restart(const double* b) override;
  // blas_threads() stays 1: the k x n blocks are thin and the solves sparse;
  // OpenBLAS threads measured slower (docs/performance.md).

  // A factorisation with its k solves costs about this many CG steps
  // (measured 18 on T1-T2 64 x 64 and 128 x 128, 25 on T1-T2-D 32 x 32 x 16;
  // with the single-precision factorisation 20, 20 and 29).
  static constexpr double kFactorCostInSteps = 20;
  // CG stops after this many steps in a row that did not halve its best residual.
  static constexpr int kStalledSteps = 3;
  // CG also stops, converged, after kStillSteps steps in a row that each moved
  // x by at most kStepTolerance ‖x‖ (its steps shrink about tenfold each).
  static constexpr double kStepTolerance = 1e-11;
  static constexpr int kStillSteps = 2;
  // After a kept factor failed, the next tries of one are skipped for 1, 2,
  // 4, ... solves, at most this many (see solve()).
  static constexpr int kMaxSkippedTries = 8;
  // Z = M⁻¹Aᵀ is solved about this many columns at a time
  // (CholmodSolver::forward_in_blocks; docs/performance.md).
  static constexpr std::int64_t kSolveColumns = 16;

 private:
  void factor(const StencilMatrix& gamma);
  // CG from x on the exact system; false if it stopped short of rtol.
  bool conjugate_gradients(const StencilMatrix& gamma, const double* y, double* x);
  void apply_w(const double* x, double* out);
  void apply_system(const StencilMatrix& gamma, const double* x, double* out);
  // out = (AᵀA + Γ)⁻¹ (v + Aᵀ b_part) with the current factor (b_part null: zero).
  void precondition(const double* v, const double* b_part, double* out);

  Grid grid_;
  std::int64_t n_, k_;
  std::vector<std::vector<double>> w_;
  std::vector<double> a_;  // A row by row = Aᵀ column-major (n x k)
  std::vector<double> b_;
  double rtol_;
  int max_steps_;
  bool single_precision_;
  NormalEquations gamma_only_;  // Γ's sparse pattern (CHOLMOD's analysis) and its factor
  CholmodSolver* factor_ = nullptr;
  std::vector<double> z_;        // M⁻¹Aᵀ, n x k, rounded to single precision
  std::vector<float> z_panels_;  // the same in panels (panels.hpp), what the preconditioner reads
  std::vector<double> c_;        // Cholesky factor of I + ZᵀZ, k x k
  std::vector<double> ping_, pong_;
  std::vector<double> work_, small_;  // the preconditioner's n and k values, up to whole blocks
  std::vector<double> r_, q_, p_, z_step_;  // CG vectors
  std::vector<double> last_;                // the last solution, where the next CG starts
  bool has_last_ = false;
  bool refactor_next_ = false;
  int steps_since_factor_ = 0, solves_since_factor_ = 0;
  int skip_after_failure_ = 1;  // skip_stale_ after the next failed try: 1, 2, 4, ...
  int skip_stale_ = 0;          // solves left that factor without trying the kept one
  int last_cg_steps_ = 0;
};

}  // namespace fastilt
