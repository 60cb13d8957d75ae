#include "grid.hpp"

#include <stdexcept>

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

}  // namespace fastilt
