// ILTpy's fixed-point iteration, entirely in C++: rebuild Γ from g, solve the
// regularised normal equations, stop on a small relative change of g.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "linear_system.hpp"
#include "penalty.hpp"

namespace fastilt {

// Called after each iteration with its index; may throw to abort (Ctrl-C).
using IterationCallback = std::function<void(int)>;

class Iteration {
 public:
  Iteration(PenaltyAssembler assembler, std::unique_ptr<LinearSystem> system, std::vector<double> y,
            int maxloop, double conv_limit);

  // Take the next data set of a batch (y, and the system's coefficients: see
  // LinearSystem::restart); W and the penalty model stay.
  void restart(const double* y, const double* coefficients);
  std::int64_t coefficient_count() const { return system_->coefficient_count(); }
  int parallel_parts() const { return system_->parallel_parts(); }

  // Start from a given distribution, or from (W + Γ0)^{-1} Y.
  void start(const std::vector<double>& g0);
  void start_from_solve();

  // Run until converged or maxloop.  A failed factorisation throws
  // NotPositiveDefinite and leaves the failed iteration's Γ assembled, so the
  // caller can solve it another way and hand the result to complete().  A NaN
  // or infinite Γ or g throws NonFinite at once; g() keeps the last finite g.
  void run(const IterationCallback& callback);
  void complete(const std::vector<double>& g_next, const IterationCallback& callback);

  // Frees the linear system (its factor, the largest array of a pseudo-2D
  // inversion) once the results are all that is read: after the last iteration.
  void release_system() { system_.reset(); }

  bool finished() const;
  int next_iteration() const { return static_cast<int>(convergence_.size()); }
  int maxloop() const { return maxloop_; }
  std::int64_t size() const { return static_cast<std::int64_t>(y_.size()); }
  const std::vector<double>& g() const { return g_; }
  const std::vector<double>& convergence() const { return convergence_; }
  const PenaltyAssembler& assembler() const { return assembler_; }

 private:
  void accept(std::vector<double>& g_next, const IterationCallback& callback);
  LinearSystem& system();

  PenaltyAssembler assembler_;
  std::unique_ptr<LinearSystem> system_;
  std::vector<double> y_, g_, next_;
  std::vector<double> convergence_;
  int maxloop_;
  double conv_limit_;
};

}  // namespace fastilt
