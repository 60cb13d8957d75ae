#include "single_factor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "avx2.hpp"
#include "free_cores.hpp"
#include "lapack.hpp"
#include "panels.hpp"
#include "shared_dense.hpp"

namespace fastilt {
namespace {

using Index = SuiteSparse_long;  // CHOLMOD's _l_ interface
constexpr int kWidth = SingleFactor::kBlockColumns;
static_assert(kWidth == kPanelBlockWidth, "the block solves' rows are the panel loops' registers");

// L's supernodes: columns [first_column[s], first_column[s + 1]); rows
// rows[row_start[s] ...] (its own columns first); values column-major from
// value_start[s], one column per supernode column, as many entries as rows.
struct Supernodes {
  const Index *first_column, *row_start, *value_start, *rows;
  Index count;
  explicit Supernodes(const cholmod_factor& L)
      : first_column(static_cast<const Index*>(L.super)),
        row_start(static_cast<const Index*>(L.pi)),
        value_start(static_cast<const Index*>(L.px)),
        rows(static_cast<const Index*>(L.s)),
        count(static_cast<Index>(L.nsuper)) {}
  Index columns(Index s) const { return first_column[s + 1] - first_column[s]; }
  Index row_count(Index s) const { return row_start[s + 1] - row_start[s]; }
};

// The copy of L the solves read (below), supernode s's from values + start[s].
struct Panels {
  const float* values;
  const std::int64_t* start;
};

// The supernodes a one-column solve goes through (order[0 .. count), children
// before parents).  Where `detour` is set, the forward solve adds what it
// carries to the rows of columns marked in `in_top` there instead of into x.
struct Part {
  const std::int64_t* order;
  Index count;
  double* detour = nullptr;
  const char* in_top = nullptr;
};

// The solves, supernode by supernode, compiled twice (baseline x86-64 with
// PlainPanelLoops, AVX2/FMA with Avx2PanelLoops, chosen at run time).  t holds one
// supernode's rows, its own unknowns first, and zeros up to whole blocks.
// Forward, column j: t(j) /= L(j, j), then t(i) -= L(i, j) t(j) below;
// backward, from the last column: t(j) = (t(j) - Σ_{i>j} L(i, j) t(i)) / L(j, j).
// A panel's four columns go through the rows below them together, so that t
// is read (and written) once for four columns of L: otherwise the passes over
// t, not the factor, bound the solve.  d: a panel's first block, d[4k + r] = c_k(j + r).
template <typename Loops>
__attribute__((always_inline)) inline void forward_supernodes(const Supernodes& sn, const Panels& panels,
                                                              const Part& part, double* x, double* t) {
  for (Index q = 0; q < part.count; ++q) {
    const Index s = part.order[q];
    const Index first = sn.first_column[s], columns = sn.columns(s), rows = sn.row_count(s);
    const Index blocks = blocks_of(rows);
    const Index* row = sn.rows + sn.row_start[s];
    const float* d = panels.values + panels.start[s];
    std::copy(x + first, x + first + columns, t);
    std::fill(t + columns, t + blocks * kPanelColumns, 0.0);
    Index j = 0;
    for (; j + kPanelColumns <= columns; j += kPanelColumns) {
      const double t0 = t[j] / d[0];
      const double t1 = (t[j + 1] - d[1] * t0) / d[5];
      const double t2 = (t[j + 2] - d[2] * t0 - d[6] * t1) / d[10];
      const double t3 = (t[j + 3] - d[3] * t0 - d[7] * t1 - d[11] * t2) / d[15];
      t[j] = t0;
      t[j + 1] = t1;
      t[j + 2] = t2;
      t[j + 3] = t3;
      const Index below = blocks - j / kPanelColumns - 1;
      Loops::subtract4(d + kBlockValues, below, t + j, t + j + kPanelColumns);
      d += kBlockValues * (below + 1);
    }
    for (; j < columns; d += rows - j, ++j) {
      const float* column = d - j;  // column[i]: row i
      const double tj = t[j] / column[j];
      t[j] = tj;
#pragma omp simd
      for (Index i = j + 1; i < rows; ++i) t[i] -= static_cast<double>(column[i]) * tj;
    }
    std::copy(t, t + columns, x + first);
    if (part.detour == nullptr) {
      for (Index i = columns; i < rows; ++i) x[row[i]] += t[i];
    } else {
      for (Index i = columns; i < rows; ++i) (part.in_top[row[i]] ? part.detour : x)[row[i]] += t[i];
    }
  }
}

template <typename Loops>
__attribute__((always_inline)) inline void backward_supernodes(const Supernodes& sn, const Panels& panels,
                                                               const Part& part, double* x, double* t) {
  for (Index q = part.count - 1; q >= 0; --q) {
    const Index s = part.order[q];
    const Index first = sn.first_column[s], columns = sn.columns(s), rows = sn.row_count(s);
    const Index blocks = blocks_of(rows), full = columns / kPanelColumns;
    const Index* row = sn.rows + sn.row_start[s];
    const float* panel = panels.values + panels.start[s];
    std::copy(x + first, x + first + columns, t);
    for (Index i = columns; i < rows; ++i) t[i] = x[row[i]];
    std::fill(t + rows, t + blocks * kPanelColumns, 0.0);
    // The leftover columns one by one from the last, then the panels.
    const float* column_end = panel + panel_values(columns, rows);
    Index j = columns;
    for (; j > full * kPanelColumns; --j) {
      column_end -= rows - (j - 1);
      const float* column = column_end - (j - 1);  // column[i]: row i
      double sum = 0.0;
#pragma omp simd reduction(+ : sum)
      for (Index i = rows - 1; i >= j; --i) sum += static_cast<double>(column[i]) * t[i];
      t[j - 1] = (t[j - 1] - sum) / column[j - 1];
    }
    for (Index g = full; g-- > 0;) {
      const Index k = g * kPanelColumns;
      const float* d = panel + panel_offset(g, rows);
      double sums[4];
      Loops::dot4(d + kBlockValues, blocks - g - 1, t + k + kPanelColumns, sums);
      const double t3 = (t[k + 3] - sums[3]) / d[15];
      const double t2 = (t[k + 2] - sums[2] - d[11] * t3) / d[10];
      const double t1 = (t[k + 1] - sums[1] - d[6] * t2 - d[7] * t3) / d[5];
      t[k] = (t[k] - sums[0] - d[1] * t1 - d[2] * t2 - d[3] * t3) / d[0];
      t[k + 1] = t1;
      t[k + 2] = t2;
      t[k + 3] = t3;
    }
    std::copy(t, t + columns, x + first);
  }
}

// The forward solve for kWidth right-hand sides at once, in single
// precision, x and t row-major (kWidth values a row): each entry of L read
// once serves all of them.
template <typename Loops>
__attribute__((always_inline)) inline void forward_block_supernodes(const Supernodes& sn, const Panels& panels,
                                                                    const Part& part, float* x, float* t) {
  for (Index q = 0; q < part.count; ++q) {
    const Index s = part.order[q];
    const Index first = sn.first_column[s], columns = sn.columns(s), rows = sn.row_count(s);
    const Index blocks = blocks_of(rows);
    const Index* row = sn.rows + sn.row_start[s];
    const float* d = panels.values + panels.start[s];
    std::copy(x + first * kWidth, x + (first + columns) * kWidth, t);
    std::fill(t + columns * kWidth, t + blocks * kPanelColumns * kWidth, 0.0f);
    Index j = 0;
    for (; j + kPanelColumns <= columns; j += kPanelColumns) {
      float* a = t + j * kWidth;  // rows j .. j + 3
      for (int r = 0; r < kWidth; ++r) {
        const float t0 = a[r] / d[0];
        const float t1 = (a[kWidth + r] - d[1] * t0) / d[5];
        const float t2 = (a[2 * kWidth + r] - d[2] * t0 - d[6] * t1) / d[10];
        const float t3 = (a[3 * kWidth + r] - d[3] * t0 - d[7] * t1 - d[11] * t2) / d[15];
        a[r] = t0;
        a[kWidth + r] = t1;
        a[2 * kWidth + r] = t2;
        a[3 * kWidth + r] = t3;
      }
      const Index below = blocks - j / kPanelColumns - 1;
      Loops::subtract4_rows(d + kBlockValues, below, a, t + (j + kPanelColumns) * kWidth);
      d += kBlockValues * (below + 1);
    }
    for (; j < columns; d += rows - j, ++j) {
      const float* column = d - j;  // column[i]: row i
      float* a = t + j * kWidth;
      for (int r = 0; r < kWidth; ++r) a[r] /= column[j];
      for (Index i = j + 1; i < rows; ++i)
        for (int r = 0; r < kWidth; ++r) t[i * kWidth + r] -= column[i] * a[r];
    }
    std::copy(t, t + columns * kWidth, x + first * kWidth);
    for (Index i = columns; i < rows; ++i)
      for (int r = 0; r < kWidth; ++r) x[row[i] * kWidth + r] += t[i * kWidth + r];
  }
}

using Solve = void (*)(const Supernodes&, const Panels&, const Part&, double*, double*);
using BlockSolve = void (*)(const Supernodes&, const Panels&, const Part&, float*, float*);
void forward_plain(const Supernodes& sn, const Panels& panels, const Part& part, double* x, double* t) {
  forward_supernodes<PlainPanelLoops>(sn, panels, part, x, t);
}
void backward_plain(const Supernodes& sn, const Panels& panels, const Part& part, double* x, double* t) {
  backward_supernodes<PlainPanelLoops>(sn, panels, part, x, t);
}
void forward_block_plain(const Supernodes& sn, const Panels& panels, const Part& part, float* x, float* t) {
  forward_block_supernodes<PlainPanelLoops>(sn, panels, part, x, t);
}
#ifdef FASTILT_HAVE_AVX2_KERNELS
__attribute__((target("avx2,fma"))) void forward_avx2(const Supernodes& sn, const Panels& panels,
                                                      const Part& part, double* x, double* t) {
  forward_supernodes<Avx2PanelLoops>(sn, panels, part, x, t);
}
__attribute__((target("avx2,fma"))) void backward_avx2(const Supernodes& sn, const Panels& panels,
                                                       const Part& part, double* x, double* t) {
  backward_supernodes<Avx2PanelLoops>(sn, panels, part, x, t);
}
__attribute__((target("avx2,fma"))) void forward_block_avx2(const Supernodes& sn, const Panels& panels,
                                                            const Part& part, float* x, float* t) {
  forward_block_supernodes<Avx2PanelLoops>(sn, panels, part, x, t);
}
#endif

// The solves this CPU runs.
struct Solves {
  Solve forward, backward;
  BlockSolve forward_block;
};
const Solves& solves() {
  static const Solves chosen = [] {
#ifdef FASTILT_HAVE_AVX2_KERNELS
    if (avx2_fma_available()) return Solves{forward_avx2, backward_avx2, forward_block_avx2};
#endif
    return Solves{forward_plain, backward_plain, forward_block_plain};
  }();
  return chosen;
}

}  // namespace

bool SingleFactor::assign(cholmod_factor& L) {
  const Supernodes sn(L);
  values_.resize(L.xsize);
  double* x = static_cast<double*>(L.x);
  float biggest = 0.0f;  // infinite where a value overflows (a factor has no NaN)
#pragma omp simd reduction(max : biggest)
  for (std::size_t i = 0; i < L.xsize; ++i) {
    values_[i] = static_cast<float>(x[i]);
    biggest = std::max(biggest, std::fabs(values_[i]));
  }
  if (!std::isfinite(biggest)) return false;
  for (Index s = 0; s < sn.count; ++s)
    for (Index j = 0; j < sn.columns(s); ++j)
      if (values_[sn.value_start[s] + j * sn.row_count(s) + j] == 0.0f) return false;  // a pivot underflowed
  std::copy(values_.begin(), values_.end(), x);
  lay_out_panels(L);
  for (Index s = 0; s < sn.count; ++s)
    to_panels(values_.data() + sn.value_start[s], sn.columns(s), sn.row_count(s), panels_.data() + panel_start_[s]);
  factor_ = &L;
  return true;
}

void SingleFactor::lay_out_panels(const cholmod_factor& L) {
  const Supernodes sn(L);
  const Index n = static_cast<Index>(L.n);
  Index widest = 0;
  supernode_of_.resize(n);
  parent_.assign(sn.count, -1);
  std::vector<double> entries(sn.count);
  for (Index s = 0; s < sn.count; ++s) {
    const Index columns = sn.columns(s), rows = sn.row_count(s);
    widest = std::max(widest, blocks_of(rows) * kPanelColumns);
    for (Index j = sn.first_column[s]; j < sn.first_column[s + 1]; ++j) supernode_of_[j] = s;
    entries[s] = static_cast<double>(columns) * static_cast<double>(rows - (columns - 1) / 2.0);
  }
  for (Index s = 0; s < sn.count; ++s)
    if (sn.row_count(s) > sn.columns(s)) parent_[s] = supernode_of_[sn.rows[sn.row_start[s] + sn.columns(s)]];
  // The one-column solves' two groups, by the entries they read (a large
  // factor only), and the panels in the order the solves go through them:
  // group 0, group 1, top.
  if (std::accumulate(entries.begin(), entries.end(), 0.0) >= split_solve_entries_) {
    solve_split_ = split_subtrees(parent_, entries);
  } else {
    solve_split_ = SubtreeSplit{};
    solve_split_.owner.assign(sn.count, 0);
    solve_split_.group[0].resize(sn.count);
    std::iota(solve_split_.group[0].begin(), solve_split_.group[0].end(), 0);
  }
  solve_order_.clear();
  for (const auto* part : {&solve_split_.group[0], &solve_split_.group[1], &solve_split_.top})
    solve_order_.insert(solve_order_.end(), part->begin(), part->end());
  panel_start_.resize(sn.count);
  std::int64_t size = 0;
  for (const std::int64_t s : solve_order_) {
    panel_start_[s] = size;
    size += panel_values(sn.columns(s), sn.row_count(s));
  }
  panels_.resize(size);
  in_top_.assign(n, 0);
  for (const std::int64_t s : solve_split_.top)
    std::fill(in_top_.begin() + sn.first_column[s], in_top_.begin() + sn.first_column[s + 1], 1);
  detour_.assign(n, 0.0);
  x_.resize(n);
  for (auto& column : column_) column.resize(widest);
  widest_ = widest;
}

void SingleFactor::prepare(const cholmod_factor& L, const std::int64_t* indptr, const std::int64_t* indices) {
  const Supernodes sn(L);
  const Index n = static_cast<Index>(L.n);
  const auto* perm = static_cast<const Index*>(L.Perm);
  std::vector<Index> position(n);  // of each original row and column in P A Pᵀ
  for (Index k = 0; k < n; ++k) position[perm[k]] = k;
  lay_out_panels(L);  // and supernode_of_, parent_
  Index largest_update = 0;
  for (Index s = 0; s < sn.count; ++s) largest_update = std::max(largest_update, sn.row_count(s) - sn.columns(s));
  slot_.assign(indptr[n], -1);
  std::vector<Index> destination(indptr[n], -1);  // the supernode of each entry's slot
  for (Index j = 0; j < n; ++j)
    for (std::int64_t p = indptr[j]; p < indptr[j + 1]; ++p) {
      if (indices[p] < j) continue;  // the upper triangle
      const Index a = position[indices[p]], b = position[j];
      const Index column = std::min(a, b), row = std::max(a, b), s = supernode_of_[column];
      const Index* rows = sn.rows + sn.row_start[s];
      const Index at = std::lower_bound(rows, rows + sn.row_count(s), row) - rows;
      slot_[p] = sn.value_start[s] + (column - sn.first_column[s]) * sn.row_count(s) + at;
      destination[p] = s;
    }
  // Each supernode's flops (spotrf, strsm, ssyrk), plus its scatter of
  // about (rows below)² values.
  std::vector<double> work(sn.count);
  for (Index s = 0; s < sn.count; ++s) {
    const double c = static_cast<double>(sn.columns(s)), below = static_cast<double>(sn.row_count(s)) - c;
    work[s] = c * c * c / 3 + below * c * c + below * below * (c + 1);
  }
  split_ = split_subtrees(parent_, work);
  for (auto& entries : entries_of_group_) entries.clear();
  for (std::int64_t p = 0; p < indptr[n]; ++p)
    if (slot_[p] >= 0) entries_of_group_[split_.owner[destination[p]] == 1 ? 1 : 0].push_back(p);
  top_offset_.assign(sn.count, -1);
  std::int64_t gathered = 0;
  for (const std::int64_t s : split_.top) {
    top_offset_[s] = gathered;
    gathered += sn.columns(s) * sn.row_count(s);
  }
  top_updates_.resize(gathered);
  for (Scratch& scratch : scratch_) {
    scratch.update.resize(largest_update * largest_update);
    scratch.relative.resize(largest_update);
    scratch.run_end.resize(largest_update);
  }
  values_.resize(L.xsize);
  analysed_ = &L;
}

bool SingleFactor::factorize(const cholmod_factor& L, const std::int64_t* indptr, const std::int64_t* indices,
                             const double* values) {
  factor_ = nullptr;
  if (analysed_ != &L) prepare(L, indptr, indices);
  const Supernodes sn(L);
  // Each group writes A's entries into its own supernodes (group 0 into the
  // top's too) before it eliminates them.  Group 1's updates of the top are
  // added after all of group 0's, so the sums come out the same whichever
  // thread runs which group, and when.  (An unsplit tree is all group 0,
  // with no top.)
  bool done[2] = {true, true};
  const auto zero = [&](const std::vector<std::int64_t>& supernodes) {
    for (const Index s : supernodes) {
      float* block = values_.data() + sn.value_start[s];
      std::fill(block, block + sn.columns(s) * sn.row_count(s), 0.0f);
    }
  };
  for_each_part(split_.group[1].empty() ? 1 : 2, [&](int g) {
    zero(split_.group[g]);
    if (g == 0) zero(split_.top);
    if (g == 1) std::fill(top_updates_.begin(), top_updates_.end(), 0.0f);
    for (const std::int64_t p : entries_of_group_[g]) {
      if (!(std::fabs(values[p]) <= std::numeric_limits<float>::max())) {
        done[g] = false;
        return;
      }
      values_[slot_[p]] += static_cast<float>(values[p]);
    }
    done[g] = eliminate(L, split_.group[g], scratch_[g], g == 1, false);
  });
  if (!done[0] || !done[1]) return false;
  for (const std::int64_t s : split_.top) {
    float* block = values_.data() + sn.value_start[s];
    const float* gathered = top_updates_.data() + top_offset_[s];
    const Index size = sn.columns(s) * sn.row_count(s);
#pragma omp simd
    for (Index i = 0; i < size; ++i) block[i] += gathered[i];
  }
  if (!eliminate(L, split_.top, scratch_[0], false, true)) return false;
  factor_ = &L;
  return true;
}

bool SingleFactor::eliminate(const cholmod_factor& L, const std::vector<std::int64_t>& order, Scratch& scratch,
                             bool gather_top, bool on_free_cores) {
  const Supernodes sn(L);
  const char kLower = 'L', kRight = 'R', kTranspose = 'T', kNo = 'N', kNonUnit = 'N';
  const float kOne = 1.0f, kZero = 0.0f;
  for (const Index s : order) {
    const Index columns = sn.columns(s), rows = sn.row_count(s), below = rows - columns;
    float* block = values_.data() + sn.value_start[s];
    const int nc = static_cast<int>(columns), nr = static_cast<int>(rows), m = static_cast<int>(below);
    const bool shared = on_free_cores && static_cast<double>(columns) * columns * rows >= kSharedDenseWork;
    int info = 0;
    if (shared)
      info = shared_cholesky(block, nc, nr);
    else
      spotrf_(&kLower, &nc, block, &nr, &info, 1);
    if (info != 0) return false;
    // The rows below: B := B L₁₁⁻ᵀ, and the supernode is final (copied to
    // the solves' panels while in cache); then their update C = B Bᵀ (lower
    // triangle), subtracted from the columns of the later supernodes that
    // these rows are.
    if (below > 0 && shared)
      shared_solve_rows(block, nc, nr, block + columns, m, nr);
    else if (below > 0)
      strsm_(&kRight, &kLower, &kTranspose, &kNonUnit, &m, &nc, &kOne, block, &nr, block + columns, &nr, 1, 1, 1, 1);
    to_panels(block, columns, rows, panels_.data() + panel_start_[s]);
    if (below == 0) continue;
    float* update = scratch.update.data();
    Index* relative = scratch.relative.data();
    Index* run_end = scratch.run_end.data();
    if (shared)
      shared_rank_update(block + columns, m, nc, nr, kOne, kZero, update, m);
    else
      ssyrk_(&kLower, &kNo, &m, &nc, &kOne, block + columns, &nr, &kZero, update, &m, 1, 1);
    const Index* row = sn.rows + sn.row_start[s] + columns;  // sorted
    for (Index q = 0; q < below;) {
      const Index t = supernode_of_[row[q]], t_rows = sn.row_count(t);
      const Index* target_row = sn.rows + sn.row_start[t];
      Index end = q;
      while (end < below && row[end] < sn.first_column[t + 1]) ++end;
      // Where rows q.. of the update sit among t's rows (a subset of them).
      for (Index p = q, at = 0; p < below; ++p) {
        while (target_row[at] != row[p])
          if (++at == t_rows) throw std::logic_error("SingleFactor: an update row outside its target supernode");
        relative[p] = at;
      }
      // Rows that sit next to each other in t too (most of them, on a grid)
      // are subtracted as one contiguous run, which vectorises.
      run_end[below - 1] = below;
      for (Index p = below - 1; p-- > q;) run_end[p] = relative[p + 1] == relative[p] + 1 ? run_end[p + 1] : p + 1;
      float* target = gather_top && split_.owner[t] == SubtreeSplit::kTop ? top_updates_.data() + top_offset_[t]
                                                                           : values_.data() + sn.value_start[t];
      for (Index c = q; c < end; ++c) {
        float* column = target + (row[c] - sn.first_column[t]) * t_rows;
        const float* source = update + c * below;
        for (Index p = c; p < below; p = run_end[p]) {
          float* to = column + relative[p];
          const float* from = source + p;
          const Index length = run_end[p] - p;
#pragma omp simd
          for (Index i = 0; i < length; ++i) to[i] -= from[i];
        }
      }
      q = end;
    }
  }
  return true;
}

// The groups of subtrees side by side on the free cores, and the top after
// them (forward) or before them (backward).  Going forward, group 1 adds to
// the top's rows in detour_, summed into x after group 0 has added to them,
// so that the sums come out the same on one thread or two.
void SingleFactor::forward(double* b) {
  const auto* perm = static_cast<const Index*>(factor_->Perm);
  for (std::size_t k = 0; k < x_.size(); ++k) x_[k] = b[perm[k]];
  const Supernodes sn(*factor_);
  const Panels panels{panels_.data(), panel_start_.data()};
  const SubtreeSplit& split = solve_split_;
  for_each_part(split.group[1].empty() ? 1 : 2, [&](int g) {
    const Part part{split.group[g].data(), static_cast<Index>(split.group[g].size()), g == 1 ? detour_.data() : nullptr,
                    in_top_.data()};
    solves().forward(sn, panels, part, x_.data(), column_[g].data());
  });
  for (const std::int64_t s : split.top)
    for (Index j = sn.first_column[s]; j < sn.first_column[s + 1]; ++j) {
      x_[j] += detour_[j];
      detour_[j] = 0.0;
    }
  const Part top{split.top.data(), static_cast<Index>(split.top.size())};
  solves().forward(sn, panels, top, x_.data(), column_[0].data());
  std::copy(x_.begin(), x_.end(), b);
}

void SingleFactor::forward_columns(double* b, std::int64_t nrhs) const {
  const auto* perm = static_cast<const Index*>(factor_->Perm);
  const Index n = static_cast<Index>(factor_->n);
  std::vector<float> x(n * kWidth), t(widest_ * kWidth);
  for (std::int64_t first = 0; first < nrhs; first += kWidth) {
    const int count = static_cast<int>(std::min<std::int64_t>(kWidth, nrhs - first));
    double* block = b + first * n;
    for (Index k = 0; k < n; ++k)
      for (int r = 0; r < kWidth; ++r)
        x[k * kWidth + r] = r < count ? static_cast<float>(block[r * n + perm[k]]) : 0.0f;
    solves().forward_block(Supernodes(*factor_), Panels{panels_.data(), panel_start_.data()},
                           Part{solve_order_.data(), static_cast<Index>(solve_order_.size())}, x.data(), t.data());
    for (int r = 0; r < count; ++r)
      for (Index k = 0; k < n; ++k) block[r * n + k] = x[k * kWidth + r];
  }
}

void SingleFactor::backward(double* b) {
  const auto* perm = static_cast<const Index*>(factor_->Perm);
  std::copy(b, b + x_.size(), x_.begin());
  const Supernodes sn(*factor_);
  const Panels panels{panels_.data(), panel_start_.data()};
  const SubtreeSplit& split = solve_split_;
  const Part top{split.top.data(), static_cast<Index>(split.top.size())};
  solves().backward(sn, panels, top, x_.data(), column_[0].data());
  // Group 1 first where one thread does both: the panels are then read as one
  // descending stream, and the next forward solve starts where this one ends.
  const int parts = split.group[1].empty() ? 1 : 2;
  for_each_part(parts, [&](int p) {
    const int g = parts - 1 - p;
    const Part part{split.group[g].data(), static_cast<Index>(split.group[g].size())};
    solves().backward(sn, panels, part, x_.data(), column_[g].data());
  });
  for (std::size_t k = 0; k < x_.size(); ++k) b[perm[k]] = x_[k];
}

}  // namespace fastilt

