// Exception types shared by the C++ core; bindings.cpp maps them to Python.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace fastilt {

// Thrown when a Cholesky factorisation meets a non-positive pivot.
// `minor` is the 1-based order of the leading minor that is not positive
// definite (LAPACK's `info`, CHOLMOD's `L->minor + 1`).
class NotPositiveDefinite : public std::runtime_error {
 public:
  explicit NotPositiveDefinite(std::int64_t minor)
      : std::runtime_error("matrix is not positive definite (leading minor of order " +
                           std::to_string(minor) + " is not positive)"),
        minor_(minor) {}
  std::int64_t minor() const noexcept { return minor_; }

 private:
  std::int64_t minor_;
};

// Thrown when an iteration meets a NaN or infinite value: `quantity` is "g"
// (the solution of the linear step) or "Gamma" (the regularisation matrix or
// its weights); `iteration` is -1 for the start.  Python adds the likely cause.
class NonFinite : public std::runtime_error {
 public:
  NonFinite(const std::string& quantity, int iteration)
      : std::runtime_error(quantity + " is NaN or infinite " +
                           (iteration < 0 ? std::string("at the start") : "at iteration " + std::to_string(iteration))),
        quantity_(quantity), iteration_(iteration) {}
  const std::string& quantity() const noexcept { return quantity_; }
  int iteration() const noexcept { return iteration_; }

 private:
  std::string quantity_;
  int iteration_;
};

}  // namespace fastilt
