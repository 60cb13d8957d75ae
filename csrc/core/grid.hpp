// The tau grid, its box of distribution points and symmetric matrices stored
// by grid offset ("stencil storage").  No Python here.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace fastilt {

constexpr int kMaxDim = 3;

// Loops over fewer grid points than this run on one thread (starting OpenMP
// threads costs more); longer ones are split into chunks of at least this size.
constexpr std::int64_t kParallelChunk = 8192;
// Plain copies shorter than this run on one thread: below a few MB one core
// saturates memory, and a woken OpenMP thread then spins next to the main one
// (measured: a 100 x 100 dense system copied on 2 threads doubled CPU time).
constexpr std::int64_t kParallelCopy = std::int64_t{1} << 20;
using Offset = std::array<int, kMaxDim>;

// Grid of shape `shape` (dimension 0 fastest).  Only points inside `box`
// hold distribution values; with a static baseline the grid has one more.
struct Grid {
  int ndim = 1;
  std::array<std::int64_t, kMaxDim> shape{1, 1, 1};
  std::array<std::int64_t, kMaxDim> box{1, 1, 1};
  std::array<std::int64_t, kMaxDim> stride{1, 1, 1};
  std::int64_t size = 1;

  Grid() = default;
  Grid(const std::vector<std::int64_t>& shape_, const std::vector<std::int64_t>& box_);

  std::int64_t linear(const Offset& d) const {
    return d[0] * stride[0] + d[1] * stride[1] + d[2] * stride[2];
  }
  void coords(std::int64_t i, std::array<std::int64_t, kMaxDim>& x) const {
    for (int a = 0; a < kMaxDim; ++a) {
      x[a] = i % shape[a];
      i /= shape[a];
    }
  }
  // x + d inside the given extent (box or shape)?
  static bool inside(const std::array<std::int64_t, kMaxDim>& x, const Offset& d,
                     const std::array<std::int64_t, kMaxDim>& extent) {
    for (int a = 0; a < kMaxDim; ++a) {
      const std::int64_t y = x[a] + d[a];
      if (y < 0 || y >= extent[a]) return false;
    }
    return true;
  }
};

// A symmetric matrix on the grid whose entries couple points x and x + d for d
// in a fixed offset list.  Only "forward" offsets are kept (the last non-zero
// component positive, or d = 0): entry (i + linear(d), i) of the lower
// triangle is values[o * n + i].  Slots where x + d leaves the grid hold zero.
struct StencilMatrix {
  std::vector<Offset> offsets;          // offsets[0] is the diagonal
  std::vector<std::int64_t> linear;     // linear index step of each offset
  std::vector<double> values;           // offsets.size() * n

  // Index of offset d (or -1).
  int find(const Offset& d) const;
  // Add d (if new) and return its index.
  int add(const Offset& d);
};

// Is d a forward offset (stored as given, not as -d)?
bool is_forward(const Offset& d);

// A sparse matrix in compressed sparse column form, rows sorted in each column.
struct Csc {
  std::vector<std::int64_t> indptr, indices;
  std::vector<double> data;
};

// The full symmetric matrix (both triangles) of `m` on `grid`: Γ for SciPy
// and for user solvers, without index arrays of the stencil kept around.
Csc to_csc(const StencilMatrix& m, const Grid& grid);

}  // namespace fastilt
