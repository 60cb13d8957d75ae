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

}  // namespace fastilt
