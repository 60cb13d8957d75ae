// Assembly of the regularisation matrix Γ from the current distribution g:
// uniform penalty, zero-crossing penalty, boundary and non-negativity terms,
// written straight into stencil storage (no sparse matrix products).
#pragma once

#include <cstdint>
#include <vector>

#include "grid.hpp"

namespace fastilt {

// Every axis, diagonal and anti-diagonal of a 3-dimensional grid.
constexpr int kMaxDirections = kMaxDim * kMaxDim;

// One regularisation direction (axis, diagonal or anti-diagonal).
struct Direction {
  Offset step{0, 0, 0};
  bool is_axis = true;
  double alpha_0 = 0, alpha_p = 0, alpha_c = 0, alpha_d = 0, delta_q = 1;
  int c_nmax = 1, p_nmax = 1, zc_nmax = 1;
};

// Update schedule and global weights (ILTpy's parameter names).  No defaults
// here: the binding fills every field from the PenaltyModel, whose values
// (and defaults) come from parameters.py.
struct Schedule {
  double alpha_00, alpha_nn;
  bool nn, reg_zc;
  int zc_on, zc_down;
  double zc_upd, zc_updmin, zc_downrate, zc_max;
  int reg_down;
  double reg_upd, reg_updmin, reg_downrate;
  double initial_scale;  // Γ0 = initial_scale * I

  double zero_crossing_ratio(int iteration) const;
  double gamma_ratio(int iteration) const;  // 1: no blending yet
};

// Moving maximum of v along `step` over the points inside `extent`, window
// offsets -n_back..n_ahead, points beyond `extent` counting as zero.  Points
// outside `extent` keep their value.  `runs` are the grid's runs along `step`
// (runs_along) for a reach of at least the window's; `extent` is the box or
// the whole grid.  out must not alias v.
void moving_max(const Grid& grid, const std::vector<Run>& runs, const std::array<std::int64_t, kMaxDim>& extent,
                const Offset& step, int nmax, const double* v, double* out);

class PenaltyAssembler {
 public:
  PenaltyAssembler(Grid grid, std::vector<Direction> directions, std::vector<double> boundary,
                   Schedule schedule);

  // Γ of iteration `iteration` from g; updates the zero-crossing state and
  // blends with the previous Γ.  Result in gamma().values.  Throws NonFinite
  // when Γ or its weights are NaN or infinite.
  void assemble(const double* g, int iteration);
  // Back to the start of an inversion: Γ = Γ0, Cz = 0.
  void reset();

  const Grid& grid() const { return grid_; }
  const StencilMatrix& gamma() const { return gamma_; }
  const std::vector<std::vector<double>>& zero_crossing_state() const { return cz_; }

 private:
  bool uniform_weights(const double* g);  // false: a weight is not finite
  void zero_crossing_weights(const double* g, int iteration);
  // l lᵀ + m mᵀ of the rows begin..end of L and M, added into Γ.
  void add_row_products(std::int64_t begin, std::int64_t end, bool zc);

  Grid grid_;
  std::vector<Direction> dirs_;
  std::vector<double> boundary_;
  Schedule schedule_;

  // Points of one row of L (and M): 0, then +step and -step of every direction.
  std::vector<Offset> row_points_;
  // Entry (row point q, row point p) of l lᵀ for p <= q: it lands in stencil
  // slot `offset` at column r + `column` of row r.
  struct Pair {
    int p, q, offset;
    std::int64_t column;
  };
  std::vector<Pair> pairs_;
  std::int64_t reach_ = 0;  // largest |linear index| of a row point
  // Per direction: the grid's runs along it for its widest stencil or window.
  std::vector<std::vector<Run>> runs_;

  StencilMatrix gamma_;
  std::vector<std::vector<double>> sqrt_gamma_;   // per direction: sqrt(γ_k)
  std::vector<std::vector<double>> cz_;           // zero-crossing state
  std::vector<double> work_, work2_;
};

}  // namespace fastilt
