#include "normal_equations.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "../linalg/cholesky.hpp"
#include "../linalg/split_band_cholesky.hpp"
#include "grid_dissection.hpp"
#include "sparse_cholesky.hpp"

namespace fastilt {

bool have_cholmod() {
#ifdef FASTILT_HAVE_CHOLMOD
  return true;
#else
  return false;
#endif
}

NormalEquations::NormalEquations(Layout layout, const Grid& grid)
    : layout_(layout), grid_(grid), n_(grid.size) {}
NormalEquations::NormalEquations(NormalEquations&&) noexcept = default;
NormalEquations::~NormalEquations() = default;

NormalEquations NormalEquations::dense(const Grid& grid, const StencilMatrix&, std::vector<double> w) {
  NormalEquations eq(Layout::Dense, grid);
  if (static_cast<std::int64_t>(w.size()) != eq.n_ * eq.n_)
    throw std::invalid_argument("dense W must be n x n");
  eq.base_ = std::move(w);
  eq.assembled_.resize(eq.base_.size());
  return eq;
}

namespace {

// A CSC index array of either width.
template <typename Index>
const Index* as_indices(const void* p) {
  return static_cast<const Index*>(p);
}

// Every entry of the symmetric CSC `w` within kd of the diagonal?
template <typename Index>
void check_band(const CscView& w, std::int64_t n, std::int64_t kd) {
  const Index* indptr = as_indices<Index>(w.indptr);
  const Index* indices = as_indices<Index>(w.indices);
  if (indptr[0] != 0) throw std::invalid_argument("W's indptr must start at 0");
  for (std::int64_t j = 0; j < n; ++j) {
    if (indptr[j] > indptr[j + 1]) throw std::invalid_argument("W's indptr must not decrease");
    for (std::int64_t s = indptr[j]; s < indptr[j + 1]; ++s) {
      const std::int64_t i = indices[s];
      if (i < 0 || i >= n) throw std::invalid_argument("W has a row index out of range");
      if (i > j + kd || j > i + kd) throw std::invalid_argument("W is wider than the bandwidth");
    }
  }
}

}  // namespace

NormalEquations NormalEquations::band_layout(const Grid& grid, const StencilMatrix& gamma, std::int64_t kd) {
  NormalEquations eq(Layout::Band, grid);
  for (std::int64_t lin : gamma.linear)
    if (lin > kd) throw std::invalid_argument("bandwidth smaller than the stencil of Γ");
  eq.kd_ = kd;
  return eq;
}

void NormalEquations::allocate_band() {
  band_ = std::make_unique<SplitBandCholesky>(n_, kd_, SplitBandCholesky::default_blocks(n_, kd_));
}

NormalEquations NormalEquations::band(const Grid& grid, const StencilMatrix& gamma, CscView w,
                                      std::int64_t kd) {
  NormalEquations eq = band_layout(grid, gamma, kd);
  w.wide_indices ? check_band<std::int64_t>(w, eq.n_, kd) : check_band<std::int32_t>(w, eq.n_, kd);
  eq.w_ = std::move(w);
  eq.allocate_band();
  return eq;
}

NormalEquations NormalEquations::band_of_repeated_block(const Grid& grid, const StencilMatrix& gamma,
                                                        std::vector<double> block, std::int64_t b,
                                                        std::int64_t kd) {
  if (b < 1 || grid.size % b != 0) throw std::invalid_argument("the block size must divide n");
  if (static_cast<std::int64_t>(block.size()) != b * b) throw std::invalid_argument("the block must be b x b");
  if (b - 1 > kd) throw std::invalid_argument("W is wider than the bandwidth");
  NormalEquations eq = band_layout(grid, gamma, kd);
  eq.block_ = std::move(block);
  eq.b_ = b;
  eq.allocate_band();
  return eq;
}

template <typename AddW>
void NormalEquations::fill_band_rows(const StencilMatrix& gamma, std::int64_t begin, std::int64_t end,
                                     const AddW& add_w) {
  // Γ's slot o holds entry (j + lin_o, j) at j: ahead of row i at lin_o, the
  // value at i; behind it, the value at i - lin_o.
  const std::int64_t n = n_;
  const std::size_t noff = gamma.offsets.size();
  for (std::int64_t i = begin; i < end; ++i) {
    const SplitBandCholesky::Line line = band_->begin_line(i);
    add_w(i, line);
    for (std::size_t o = 0; o < noff; ++o) {
      const std::int64_t p = gamma.linear[o], j = line.direction > 0 ? i : i - p;
      if (j >= 0 && j + p < n) line.values[p] += gamma.values[o * n + j];
    }
  }
}

template <typename Index>
void NormalEquations::add_w_line_from_csc(std::int64_t i, SplitBandCholesky::Line line) const {
  // Row i of W is its column i (W is symmetric, both triangles stored).
  const Index* indptr = as_indices<Index>(w_.indptr);
  const Index* indices = as_indices<Index>(w_.indices);
  for (std::int64_t s = indptr[i]; s < indptr[i + 1]; ++s) {
    const std::int64_t p = (static_cast<std::int64_t>(indices[s]) - i) * line.direction;
    if (p >= 0) line.values[p] += w_.data[s];
  }
}

void NormalEquations::add_w_line_from_block(std::int64_t i, SplitBandCholesky::Line line) const {
  // Point i is entry t of its diagonal block: W(i, i + d) = B(t + d, t) for
  // 0 <= t + d < b, which is column t of B read down (ahead) or up (behind).
  const std::int64_t t = i % b_;
  const double* column = block_.data() + t * b_ + t;
  if (line.direction > 0) {
    for (std::int64_t p = 0; p < b_ - t; ++p) line.values[p] += column[p];
  } else {
    for (std::int64_t p = 0; p <= t; ++p) line.values[p] += column[-p];
  }
}

NormalEquations NormalEquations::sparse(const Grid& grid, const StencilMatrix& gamma,
                                        const Csc& lower_w, Ordering ordering) {
#ifndef FASTILT_HAVE_CHOLMOD
  (void)grid, (void)gamma, (void)lower_w, (void)ordering;
  throw std::runtime_error("fastilt was built without CHOLMOD");
#else
  NormalEquations eq(Layout::Sparse, grid);
  const std::int64_t n = eq.n_;
  const std::vector<std::int64_t>& indptr = lower_w.indptr;
  const std::vector<std::int64_t>& indices = lower_w.indices;
  if (static_cast<std::int64_t>(indptr.size()) != n + 1) throw std::invalid_argument("W must be n x n");
  const std::size_t noff = gamma.offsets.size();
  // Pattern: lower triangle of W united with every stencil slot of Γ.
  std::vector<std::int64_t> rows;
  std::array<std::int64_t, kMaxDim> x;
  eq.indptr_.assign(n + 1, 0);
  for (std::int64_t i = 0; i < n; ++i) {
    rows.clear();
    for (std::int64_t s = indptr[i]; s < indptr[i + 1]; ++s) rows.push_back(indices[s]);
    grid.coords(i, x);
    for (std::size_t o = 0; o < noff; ++o)
      if (Grid::inside(x, gamma.offsets[o], grid.shape)) rows.push_back(i + gamma.linear[o]);
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    eq.indices_.insert(eq.indices_.end(), rows.begin(), rows.end());
    eq.indptr_[i + 1] = static_cast<std::int64_t>(eq.indices_.size());
  }
  auto position = [&](std::int64_t row, std::int64_t col) {
    const auto first = eq.indices_.begin() + eq.indptr_[col];
    const auto last = eq.indices_.begin() + eq.indptr_[col + 1];
    return static_cast<std::int64_t>(std::lower_bound(first, last, row) - eq.indices_.begin());
  };
  eq.base_.assign(eq.indices_.size(), 0.0);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t s = indptr[i]; s < indptr[i + 1]; ++s)
      eq.base_[position(indices[s], i)] += lower_w.data[s];
  eq.slot_position_.assign(noff * n, -1);
  for (std::int64_t i = 0; i < n; ++i) {
    grid.coords(i, x);
    for (std::size_t o = 0; o < noff; ++o)
      if (Grid::inside(x, gamma.offsets[o], grid.shape))
        eq.slot_position_[o * n + i] = position(i + gamma.linear[o], i);
  }
  eq.assembled_.resize(eq.base_.size());
  if (ordering == Ordering::GridDissection) {
    const std::vector<std::int64_t> order = grid_dissection(grid, gamma);
    eq.cholmod_ = std::make_unique<CholmodSolver>(n, eq.indptr_.data(), eq.indices_.data(),
                                                  CholmodSolver::Ordering::Given, 1, order.data());
  } else {
    eq.cholmod_ = std::make_unique<CholmodSolver>(
        n, eq.indptr_.data(), eq.indices_.data(),
        ordering == Ordering::Natural ? CholmodSolver::Ordering::Natural : CholmodSolver::Ordering::Default, 1);
  }
  return eq;
#endif
}

CholmodSolver& NormalEquations::factor(const StencilMatrix& gamma, bool single_precision) {
  if (layout_ != Layout::Sparse) throw std::logic_error("factor() needs the sparse layout");
  add_gamma(gamma);
  if (single_precision && cholmod_->factor_single(assembled_.data())) return *cholmod_;
  cholmod_->factor(assembled_.data());
  if (single_precision) cholmod_->round_to_single();
  return *cholmod_;
}

int NormalEquations::blas_threads() const {
  // Band and CHOLMOD factorisations work on blocks of ~kd or supernode size.
  return layout_ == Layout::Dense ? dense_blas_threads(n_) : 1;
}

void NormalEquations::add_gamma(const StencilMatrix& gamma) {
  const std::int64_t n = n_;
  const double* base = base_.data();
  double* a = assembled_.data();
  if (layout_ == Layout::Dense) {
    // The factorisation reads (and writes) the lower triangle only: copying
    // W's alone halves the traffic of every iteration.
    parallel_ranges(n, kParallelCopy / std::max<std::int64_t>(n, 1), [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t j = begin; j < end; ++j) std::copy(base + j * n + j, base + (j + 1) * n, a + j * n + j);
    });
  } else {
    const std::int64_t size = static_cast<std::int64_t>(base_.size());
    parallel_ranges(size, kParallelCopy, [&](std::int64_t begin, std::int64_t end) {
      std::copy(base + begin, base + end, a + begin);
    });
  }
  for (std::size_t o = 0; o < gamma.offsets.size(); ++o) {
    const double* v = gamma.values.data() + o * n;
    const std::int64_t lin = gamma.linear[o];
    if (layout_ == Layout::Dense) {  // entry (i + lin, i) of the column-major matrix
      for (std::int64_t i = 0; i + lin < n; ++i) a[(i + lin) + i * n] += v[i];
    } else {
      const std::int64_t* pos = slot_position_.data() + o * n;
      parallel_ranges(n, kParallelChunk, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i)
          if (pos[i] >= 0) a[pos[i]] += v[i];
      });
    }
  }
}

void NormalEquations::solve(const StencilMatrix& gamma, const double* y, double* x) {
  if (layout_ == Layout::Band) {
    band_->factor([&](std::int64_t begin, std::int64_t end) {
      if (b_ > 0)
        fill_band_rows(gamma, begin, end, [&](std::int64_t i, auto line) { add_w_line_from_block(i, line); });
      else if (w_.wide_indices)
        fill_band_rows(gamma, begin, end,
                       [&](std::int64_t i, auto line) { add_w_line_from_csc<std::int64_t>(i, line); });
      else
        fill_band_rows(gamma, begin, end,
                       [&](std::int64_t i, auto line) { add_w_line_from_csc<std::int32_t>(i, line); });
    });
    std::copy(y, y + n_, x);
    band_->solve(x);
    return;
  }
  add_gamma(gamma);
  std::copy(y, y + n_, x);
  if (layout_ == Layout::Dense) {
    dense_cholesky_factor(assembled_.data(), n_);
    dense_cholesky_solve(assembled_.data(), n_, x, 1);
  } else {
    cholmod_->solve(assembled_.data(), x, 1);
  }
}

}  // namespace fastilt
