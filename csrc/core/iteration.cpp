#include "iteration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "../linalg/cholesky.hpp"
#include "../linalg/errors.hpp"

namespace fastilt {
namespace {

// ||next - previous|| / ||next||, with 0/0 = 0 (g stays zero: all-zero data)
// and x/0 = inf; squares that overflow are summed again scaled by a power of
// two (exact), so a huge but finite g still gets its true relative change.
double relative_change(const std::vector<double>& next, const std::vector<double>& previous) {
  double change = 0, norm = 0;
  for (std::size_t j = 0; j < next.size(); ++j) {
    change += (next[j] - previous[j]) * (next[j] - previous[j]);
    norm += next[j] * next[j];
  }
  if (!std::isfinite(change) || !std::isfinite(norm)) {
    double largest = 0;
    for (std::size_t j = 0; j < next.size(); ++j)
      largest = std::max({largest, std::abs(next[j]), std::abs(next[j] - previous[j])});
    const double scale = std::ldexp(1.0, -std::ilogb(largest));
    change = norm = 0;
    for (std::size_t j = 0; j < next.size(); ++j) {
      const double d = (next[j] - previous[j]) * scale, v = next[j] * scale;
      change += d * d;
      norm += v * v;
    }
  }
  if (norm == 0) return change == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  return std::sqrt(change) / std::sqrt(norm);
}

void require_finite(const std::vector<double>& g, int iteration) {
  for (double v : g)
    if (!std::isfinite(v)) throw NonFinite("g", iteration);
}

}  // namespace

Iteration::Iteration(PenaltyAssembler assembler, std::unique_ptr<LinearSystem> system, std::vector<double> y,
                     int maxloop, double conv_limit)
    : assembler_(std::move(assembler)), system_(std::move(system)), y_(std::move(y)),
      maxloop_(maxloop), conv_limit_(conv_limit) {
  if (static_cast<std::int64_t>(y_.size()) != assembler_.grid().size)
    throw std::invalid_argument("Y must have one value per grid point");
  next_.resize(y_.size());
}

void Iteration::restart(const double* y, const double* coefficients) {
  std::copy(y, y + y_.size(), y_.begin());
  system_->restart(coefficients);
}

void Iteration::start(const std::vector<double>& g0) {
  if (g0.size() != y_.size()) throw std::invalid_argument("g0 has the wrong size");
  assembler_.reset();
  convergence_.clear();
  g_ = g0;
}

LinearSystem& Iteration::system() {
  if (!system_) throw std::logic_error("the linear system was released");
  return *system_;
}

void Iteration::start_from_solve() {
  assembler_.reset();
  convergence_.clear();
  g_.resize(y_.size());
  const BlasThreads blas(system().blas_threads());
  system_->solve(assembler_.gamma(), y_.data(), g_.data());
  require_finite(g_, -1);
}

bool Iteration::finished() const {
  if (convergence_.empty()) return maxloop_ == 0;
  return next_iteration() >= maxloop_ || convergence_.back() < conv_limit_;
}

void Iteration::accept(std::vector<double>& g_next, const IterationCallback& callback) {
  require_finite(g_next, next_iteration());  // g_ keeps the last finite iterate
  const double change = relative_change(g_next, g_);
  g_.swap(g_next);
  convergence_.push_back(change);
  if (callback) callback(next_iteration() - 1);
}

void Iteration::run(const IterationCallback& callback) {
  if (finished()) return;
  const BlasThreads blas(system().blas_threads());
  while (!finished()) {
    assembler_.assemble(g_.data(), next_iteration());
    system_->solve(assembler_.gamma(), y_.data(), next_.data());
    accept(next_, callback);
  }
}

void Iteration::complete(const std::vector<double>& g_next, const IterationCallback& callback) {
  if (g_next.size() != g_.size()) throw std::invalid_argument("solution has the wrong size");
  std::vector<double> copy = g_next;
  accept(copy, callback);
}

}  // namespace fastilt
