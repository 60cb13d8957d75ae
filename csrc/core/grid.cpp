#include "grid.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace fastilt {

Grid::Grid(const std::vector<std::int64_t>& shape_, const std::vector<std::int64_t>& box_) {
  if (shape_.empty() || shape_.size() > kMaxDim || box_.size() != shape_.size())
    throw std::invalid_argument("grid must have 1 to 3 dimensions");
  ndim = static_cast<int>(shape_.size());
  std::int64_t s = 1;
  for (int a = 0; a < kMaxDim; ++a) {
    shape[a] = a < ndim ? shape_[a] : 1;
    box[a] = a < ndim ? box_[a] : 1;
    if (box[a] > shape[a] || box[a] < 1) throw std::invalid_argument("box must lie inside the grid");
    stride[a] = s;
    s *= shape[a];
  }
  size = s;
}

std::vector<Run> runs_along(const Grid& grid, const Offset& step, std::int64_t reach) {
  std::vector<Run> runs;
  std::array<std::int64_t, kMaxDim> x{0, 0, 0};
  for (std::int64_t i = 0; i < grid.size; ++i, grid.advance(x)) {
    const Room room = room_along(x, step, grid.box);
    const bool interior = room.ahead >= reach && room.behind >= reach;
    if (runs.empty() || runs.back().interior != interior || runs.back().end - runs.back().begin >= kParallelChunk)
      runs.push_back({i, i + 1, interior});
    else
      runs.back().end = i + 1;
  }
  return runs;
}

bool is_forward(const Offset& d) {
  for (int a = kMaxDim - 1; a >= 0; --a)
    if (d[a] != 0) return d[a] > 0;
  return true;  // the diagonal
}

int StencilMatrix::find(const Offset& d) const {
  for (std::size_t o = 0; o < offsets.size(); ++o)
    if (offsets[o] == d) return static_cast<int>(o);
  return -1;
}

int StencilMatrix::add(const Offset& d) {
  const int o = find(d);
  if (o >= 0) return o;
  offsets.push_back(d);
  return static_cast<int>(offsets.size()) - 1;
}

Csc to_csc(const StencilMatrix& m, const Grid& grid) {
  // Entry (j + lin, j) of the lower triangle is values[o * n + j]; its mirror
  // (j - lin, j) is the lower entry of column j - lin.  Visiting the signed
  // offsets in order of their linear step gives sorted rows in every column.
  struct Entry {
    std::int64_t step;
    int o;
    Offset d;
    bool mirrored;
  };
  std::vector<Entry> entries;
  for (std::size_t o = 0; o < m.offsets.size(); ++o) {
    const Offset& d = m.offsets[o];
    entries.push_back({m.linear[o], static_cast<int>(o), d, false});
    if (o != 0) entries.push_back({-m.linear[o], static_cast<int>(o), {-d[0], -d[1], -d[2]}, true});
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.step < b.step; });
  const std::int64_t n = grid.size;
  Csc out;
  out.indptr.reserve(n + 1);
  out.indptr.push_back(0);
  out.indices.reserve(entries.size() * n);
  out.data.reserve(entries.size() * n);
  std::array<std::int64_t, kMaxDim> x;
  for (std::int64_t j = 0; j < n; ++j) {
    grid.coords(j, x);
    for (const Entry& e : entries) {
      if (!Grid::inside(x, e.d, grid.shape)) continue;
      const std::int64_t row = j + e.step;
      out.indices.push_back(row);
      out.data.push_back(m.values[e.o * n + (e.mirrored ? row : j)]);
    }
    out.indptr.push_back(static_cast<std::int64_t>(out.indices.size()));
  }
  return out;
}

}  // namespace fastilt
