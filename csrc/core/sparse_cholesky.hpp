// CHOLMOD where fastilt was built with it; otherwise a stand-in with the same
// interface, never constructed (the layouts that need CHOLMOD refuse to be
// built without it), so that the code using it compiles either way.
#pragma once

#ifdef FASTILT_HAVE_CHOLMOD
#include "../linalg/cholmod_solver.hpp"
#else
#include <cstdint>

namespace fastilt {

class CholmodSolver {
 public:
  void solve(const double*, double*, std::int64_t) {}
  void factor(const double*) {}
  bool round_to_single() { return false; }
  bool factor_single(const double*) { return false; }
  void forward(double*) {}
  void backward(double*) {}
  void forward_in_blocks(double*, std::int64_t, std::int64_t) {}
};

}  // namespace fastilt
#endif
