// The tau grid, its box of distribution points and symmetric matrices stored
// by grid offset ("stencil storage").  No Python here.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "../linalg/free_cores.hpp"

namespace fastilt {

constexpr int kMaxDim = 3;

// Loops over fewer grid points than this run on one thread (starting OpenMP
// threads costs more); longer ones are split into chunks of at least this size.
constexpr std::int64_t kParallelChunk = 8192;
// Plain copies shorter than this run on one thread: below a few MB one core
// saturates memory, and a woken OpenMP thread then spins next to the main one
// (measured to double the CPU time of a small copy, docs/performance.md).
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
  // x := coordinates of the next linear index (dimension 0 fastest).
  void advance(std::array<std::int64_t, kMaxDim>& x) const {
    for (int a = 0; a < kMaxDim; ++a) {
      if (++x[a] < shape[a]) return;
      x[a] = 0;
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

// body(begin, end) over [0, n): one contiguous range per OpenMP thread when n
// exceeds `threshold` and the cores are free (free_cores.hpp), otherwise one
// call on this thread.  Small loops then do not enter OpenMP at all: a
// parallel region that its `if` clause keeps on one thread still costs a third
// of Γ's assembly at 100 unknowns (docs/performance.md).
template <typename Body>
void parallel_ranges(std::int64_t n, std::int64_t threshold, const Body& body) {
#ifdef _OPENMP
  const int parts = n <= threshold ? 1 : omp_get_max_threads();
#else
  const int parts = 1;
#endif
  if (parts == 1) {
    body(std::int64_t{0}, n);
    return;
  }
  for_each_part(parts, [&](int part) { body(n * part / parts, n * (part + 1) / parts); });
}

// Whole steps x can take along +step (ahead) and -step (behind) and stay
// inside `extent`; both -1 when x itself is outside.  Every component of
// `step` is -1, 0 or 1 (the regularisation directions: axes and diagonals).
struct Room {
  std::int64_t ahead, behind;
};
inline Room room_along(const std::array<std::int64_t, kMaxDim>& x, const Offset& step,
                       const std::array<std::int64_t, kMaxDim>& extent) {
  Room room{INT64_MAX, INT64_MAX};
  for (int a = 0; a < kMaxDim; ++a) {
    if (x[a] < 0 || x[a] >= extent[a]) return {-1, -1};
    const std::int64_t up = extent[a] - 1 - x[a], down = x[a];
    if (step[a] > 0) {
      room.ahead = std::min(room.ahead, up);
      room.behind = std::min(room.behind, down);
    } else if (step[a] < 0) {
      room.ahead = std::min(room.ahead, down);
      room.behind = std::min(room.behind, up);
    }
  }
  return room;
}

// A run of consecutive grid points [begin, end).  In an `interior` run every
// point lies in the box with at least `reach` neighbours inside the box
// ahead and behind along one direction (runs_along), so stencils and windows
// along it need no bounds checks there and their loops vectorise.
struct Run {
  std::int64_t begin, end;
  bool interior;
};

// The whole grid, in order, as runs along `step` for `reach` >= 1, none
// longer than kParallelChunk.
std::vector<Run> runs_along(const Grid& grid, const Offset& step, std::int64_t reach);

// interior(begin, end) for each interior run and edge(i, x) for every point
// of the others (x its coordinates); runs in parallel on a large grid.
template <typename Interior, typename Edge>
void for_each_run(const Grid& grid, const std::vector<Run>& runs, const Interior& interior, const Edge& edge) {
  auto visit = [&](const Run& run) {
    if (run.interior) {
      interior(run.begin, run.end);
      return;
    }
    std::array<std::int64_t, kMaxDim> x;
    grid.coords(run.begin, x);
    for (std::int64_t i = run.begin; i < run.end; ++i, grid.advance(x)) edge(i, x);
  };
  if (grid.size <= kParallelChunk) {
    for (const Run& run : runs) visit(run);
    return;
  }
  parallel_ranges(static_cast<std::int64_t>(runs.size()), 0, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) visit(runs[r]);
  });
}

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
