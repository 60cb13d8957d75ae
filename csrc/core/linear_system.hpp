// The linear solve of one iteration, x = (W + Γ)⁻¹ y for the current Γ,
// behind one interface so the iteration loop does not care how it is done.
#pragma once

#include "grid.hpp"

namespace fastilt {

class LinearSystem {
 public:
  virtual ~LinearSystem() = default;
  // Throws NotPositiveDefinite when a factorisation fails.
  virtual void solve(const StencilMatrix& gamma, const double* y, double* x) = 0;
  // BLAS threads for this system's factorisations (see BlasThreads).
  virtual int blas_threads() const { return 1; }
};

}  // namespace fastilt
