// The linear solve of one iteration, x = (W + Γ)⁻¹ y for the current Γ,
// behind one interface so the iteration loop does not care how it is done.
#pragma once

#include <cstdint>

#include "grid.hpp"

namespace fastilt {

class LinearSystem {
 public:
  virtual ~LinearSystem() = default;
  // Throws NotPositiveDefinite when a factorisation fails.
  virtual void solve(const StencilMatrix& gamma, const double* y, double* x) = 0;
  // BLAS threads for this system's factorisations (see BlasThreads).
  virtual int blas_threads() const { return 1; }
  // Parts of one solve that run side by side on free cores (a band split in
  // two halves: 2); a batch then runs its items one at a time.
  virtual int parallel_parts() const { return 1; }
  // Values of the data's part of the system beyond y (the low-rank form's b);
  // 0 where y is all of it.
  virtual std::int64_t coefficient_count() const { return 0; }
  // Begin the next data set of a batch: take its coefficient_count() values
  // and forget what earlier solves kept (a factor reused as preconditioner),
  // so that it is solved exactly as by a fresh system.
  virtual void restart(const double* coefficients) { (void)coefficients; }
};

}  // namespace fastilt
