// An elimination order for a matrix with a stencil's pattern on a grid (Γ of
// the low-rank form): nested dissection by the grid's coordinates.
//
// No stencil entry reaches further than `reach` points along an axis, so a
// slab `reach` points thick across the grid separates the points before it
// from those after it.  The order is: one half, recursively; the other half,
// recursively; then the slab.  The halves' factors then never meet, and the
// fill is that of a nested dissection (O(n log n) entries in 2D, O(n^4/3)
// in 3D): what CHOLMOD's nested dissection finds by partitioning the graph,
// here from the geometry alone.  On T1-T2-D's Γ a factor as small, analysed
// in 31 ms where AMD and then NESDIS took 365 ms; on the 2D maps' Γ smaller
// factors than AMD's, factored 12-17% faster (docs/performance.md).
#pragma once

#include <cstdint>
#include <vector>

#include "grid.hpp"

namespace fastilt {

// Boxes of at most this many points are not split: they are eliminated in
// the grid's own order (dimension 0 fastest).
constexpr std::int64_t kDissectionLeafPoints = 64;

// order[k] is the grid point eliminated k-th; every point once.
std::vector<std::int64_t> grid_dissection(const Grid& grid, const StencilMatrix& stencil);

}  // namespace fastilt
