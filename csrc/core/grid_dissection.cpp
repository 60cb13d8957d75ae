#include "grid_dissection.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace fastilt {
namespace {

using Box = std::array<std::array<std::int64_t, 2>, kMaxDim>;  // [begin, end) per axis

struct Dissection {
  const Grid& grid;
  std::array<std::int64_t, kMaxDim> reach{0, 0, 0};
  std::vector<std::int64_t> order;

  // The box's points in the grid's order.
  void append(const Box& box) {
    for (std::int64_t z = box[2][0]; z < box[2][1]; ++z)
      for (std::int64_t y = box[1][0]; y < box[1][1]; ++y)
        for (std::int64_t x = box[0][0]; x < box[0][1]; ++x)
          order.push_back(x * grid.stride[0] + y * grid.stride[1] + z * grid.stride[2]);
  }

  void dissect(const Box& box) {
    std::int64_t points = 1;
    for (const auto& side : box) points *= side[1] - side[0];
    // The axis whose slab is the smallest separator: the least reach per
    // point along it (a stencil that does not reach along an axis leaves an
    // empty slab there).  Both halves must keep a point.
    int axis = -1;
    for (int a = 0; a < kMaxDim; ++a) {
      const std::int64_t length = box[a][1] - box[a][0];
      if (length < reach[a] + 2) continue;
      if (axis < 0 || reach[a] * (box[axis][1] - box[axis][0]) < reach[axis] * length) axis = a;
    }
    if (points <= kDissectionLeafPoints || axis < 0) {
      append(box);
      return;
    }
    const std::int64_t begin = box[axis][0], end = box[axis][1];
    const std::int64_t middle = begin + (end - begin - reach[axis]) / 2;
    Box half = box, other = box, slab = box;
    half[axis] = {begin, middle};
    other[axis] = {middle + reach[axis], end};
    slab[axis] = {middle, middle + reach[axis]};
    dissect(half);
    dissect(other);
    append(slab);
  }
};

}  // namespace

std::vector<std::int64_t> grid_dissection(const Grid& grid, const StencilMatrix& stencil) {
  Dissection d{grid};
  for (const Offset& offset : stencil.offsets)
    for (int a = 0; a < kMaxDim; ++a) d.reach[a] = std::max<std::int64_t>(d.reach[a], std::abs(offset[a]));
  d.order.reserve(static_cast<std::size_t>(grid.size));
  Box whole;
  for (int a = 0; a < kMaxDim; ++a) whole[a] = {0, grid.shape[a]};
  d.dissect(whole);
  return d.order;
}

}  // namespace fastilt
