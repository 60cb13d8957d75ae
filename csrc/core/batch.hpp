// Many independent inversions that share W and the penalty model (a stack of
// decays, one per depth or voxel): the items are dealt out to worker threads,
// each with its own Iteration, and run exactly as one inversion of each would.
// No Python here; bindings.cpp reports the progress.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "iteration.hpp"

namespace fastilt {

// The data side of every item: row i of `y` (items x n) and, where the
// system has them, row i of `coefficients` (items x coefficient_count()).
struct BatchInput {
  const double* y = nullptr;
  const double* coefficients = nullptr;
  const double* g_start = nullptr;  // shared starting distribution, or null: (W + Γ0)⁻¹ y
  std::int64_t items = 0;
};

enum class ItemStatus : std::uint8_t { Done = 0, NotPositiveDefinite = 1, Cancelled = 2, NonFinite = 3 };

// Row i of each output belongs to item i.  convergence is items x maxloop,
// NaN after the last iteration run; an item whose factorisation was not
// positive definite is left to the caller (it needs another solver), and so
// is one whose arithmetic met NaN/inf (the caller names the item and the cause).
struct BatchOutput {
  double* g = nullptr;
  double* convergence = nullptr;
  std::int32_t* iterations = nullptr;
  std::uint8_t* status = nullptr;
};

// Called on the calling thread with the number of finished items, every
// `interval_ms` while the workers run and once at the end; it may throw to
// stop the batch (the workers finish their current item first).
using BatchProgress = std::function<void(std::int64_t)>;

// Runs the items on one thread per worker (BLAS on one thread each); a lone
// worker runs them on the calling thread, keeping OpenMP's threads for the
// parts of its solves.  The workers must have the same size, maxloop and
// coefficient count.
void invert_batch(const std::vector<Iteration*>& workers, const BatchInput& input, BatchOutput& output,
                  const BatchProgress& progress, int interval_ms = 100);

}  // namespace fastilt
