#include "single_factor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "avx2.hpp"
#include "free_cores.hpp"
#include "lapack.hpp"

namespace fastilt {
namespace {

using Index = SuiteSparse_long;  // CHOLMOD's _l_ interface
constexpr int kWidth = SingleFactor::kBlockColumns;

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

// The two passes that take the time: t(i) -= Σ_k c_k(i) a_k and the sums
// Σ_i c_k(i) t(i), for four columns c_k of L over rows [begin, end); and for
// a block of right-hand sides in single precision, kWidth values a row
// (row-major), the rows t(i, :) -= Σ_k c_k(i) a(k, :).
struct PlainLoops {
  static void subtract4_rows(const float* const* c, const float* a, float* t, Index begin, Index end) {
    for (Index i = begin; i < end; ++i) {
      const float l0 = c[0][i], l1 = c[1][i], l2 = c[2][i], l3 = c[3][i];
      float* row = t + i * kWidth;
      for (int r = 0; r < kWidth; ++r)
        row[r] -= l0 * a[r] + l1 * a[kWidth + r] + l2 * a[2 * kWidth + r] + l3 * a[3 * kWidth + r];
    }
  }
  static void subtract4(const float* const* c, const double* a, double* t, Index begin, Index end) {
    for (Index i = begin; i < end; ++i)
      t[i] -= static_cast<double>(c[0][i]) * a[0] + static_cast<double>(c[1][i]) * a[1] +
              static_cast<double>(c[2][i]) * a[2] + static_cast<double>(c[3][i]) * a[3];
  }
  static void dot4(const float* const* c, const double* t, Index begin, Index end, double* sums) {
    for (int k = 0; k < 4; ++k) {
      double sum = 0.0;
      for (Index i = begin; i < end; ++i) sum += static_cast<double>(c[k][i]) * t[i];
      sums[k] = sum;
    }
  }
};

#ifdef FASTILT_HAVE_AVX2_KERNELS
// The same, four doubles (eight floats in a block) at a time: GCC leaves the
// loops above scalar, and the same loops in GCC's vector types ran at about
// half this speed.
struct Avx2Loops {
  // A row of the block is one register, the four rows a(k, :) stay in four,
  // and each c_k(i) is one broadcast from memory.
  __attribute__((target("avx2,fma"))) static void subtract4_rows(const float* const* c, const float* a, float* t,
                                                                 Index begin, Index end) {
    static_assert(kWidth == 8, "one register a row");
    const __m256 a0 = _mm256_loadu_ps(a), a1 = _mm256_loadu_ps(a + kWidth), a2 = _mm256_loadu_ps(a + 2 * kWidth),
                 a3 = _mm256_loadu_ps(a + 3 * kWidth);
    for (Index i = begin; i < end; ++i) {
      float* row = t + i * kWidth;
      __m256 values = _mm256_loadu_ps(row);
      values = _mm256_fnmadd_ps(_mm256_broadcast_ss(c[0] + i), a0, values);
      values = _mm256_fnmadd_ps(_mm256_broadcast_ss(c[1] + i), a1, values);
      values = _mm256_fnmadd_ps(_mm256_broadcast_ss(c[2] + i), a2, values);
      values = _mm256_fnmadd_ps(_mm256_broadcast_ss(c[3] + i), a3, values);
      _mm256_storeu_ps(row, values);
    }
  }
  __attribute__((target("avx2,fma"))) static void subtract4(const float* const* c, const double* a, double* t,
                                                            Index begin, Index end) {
    const __m256d a0 = _mm256_set1_pd(a[0]), a1 = _mm256_set1_pd(a[1]), a2 = _mm256_set1_pd(a[2]),
                  a3 = _mm256_set1_pd(a[3]);
    Index i = begin;
    for (; i + 4 <= end; i += 4) {
      __m256d ti = _mm256_loadu_pd(t + i);
      ti = _mm256_fnmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(c[0] + i)), a0, ti);
      ti = _mm256_fnmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(c[1] + i)), a1, ti);
      ti = _mm256_fnmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(c[2] + i)), a2, ti);
      ti = _mm256_fnmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(c[3] + i)), a3, ti);
      _mm256_storeu_pd(t + i, ti);
    }
    PlainLoops::subtract4(c, a, t, i, end);
  }
  __attribute__((target("avx2,fma"))) static void dot4(const float* const* c, const double* t, Index begin,
                                                       Index end, double* sums) {
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    Index i = begin;
    for (; i + 4 <= end; i += 4) {
      const __m256d ti = _mm256_loadu_pd(t + i);
      s0 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(c[0] + i)), ti, s0);
      s1 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(c[1] + i)), ti, s1);
      s2 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(c[2] + i)), ti, s2);
      s3 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(c[3] + i)), ti, s3);
    }
    // The four totals: pairwise sums within each 128-bit half, then the halves.
    const __m256d h01 = _mm256_hadd_pd(s0, s1), h23 = _mm256_hadd_pd(s2, s3);
    const __m256d total =
        _mm256_add_pd(_mm256_permute2f128_pd(h01, h23, 0x20), _mm256_permute2f128_pd(h01, h23, 0x31));
    double rest[4];
    PlainLoops::dot4(c, t, i, end, rest);
    _mm256_storeu_pd(sums, _mm256_add_pd(total, _mm256_loadu_pd(rest)));
  }
};
#endif

// The solves, supernode by supernode, compiled twice (baseline x86-64 with
// PlainLoops, AVX2/FMA with Avx2Loops, chosen at run time).  t holds one
// supernode's rows, its own unknowns first.  Forward, column j: t(j) /= L(j, j),
// then t(i) -= L(i, j) t(j) below; backward, from the last column:
// t(j) = (t(j) - Σ_{i>j} L(i, j) t(i)) / L(j, j).  Four columns go through the
// rows below them together, so that t is read (and written) once for four
// columns of L: otherwise the passes over t, not the factor, bound the solve.
template <typename Loops>
__attribute__((always_inline)) inline void forward_supernodes(const Supernodes& sn, const float* values, double* x,
                                                              double* t) {
  for (Index s = 0; s < sn.count; ++s) {
    const Index first = sn.first_column[s], columns = sn.columns(s), rows = sn.row_count(s);
    const Index* row = sn.rows + sn.row_start[s];
    const float* block = values + sn.value_start[s];
    std::copy(x + first, x + first + columns, t);
    std::fill(t + columns, t + rows, 0.0);
    Index j = 0;
    for (; j + 4 <= columns; j += 4) {
      const float *c0 = block + j * rows, *c1 = c0 + rows, *c2 = c1 + rows, *c3 = c2 + rows;
      const double t0 = t[j] / c0[j];
      const double t1 = (t[j + 1] - c0[j + 1] * t0) / c1[j + 1];
      const double t2 = (t[j + 2] - c0[j + 2] * t0 - c1[j + 2] * t1) / c2[j + 2];
      const double t3 = (t[j + 3] - c0[j + 3] * t0 - c1[j + 3] * t1 - c2[j + 3] * t2) / c3[j + 3];
      t[j] = t0;
      t[j + 1] = t1;
      t[j + 2] = t2;
      t[j + 3] = t3;
      const float* const c[4] = {c0, c1, c2, c3};
      Loops::subtract4(c, t + j, t, j + 4, rows);
    }
    for (; j < columns; ++j) {
      const float* column = block + j * rows;
      const double tj = t[j] / column[j];
      t[j] = tj;
#pragma omp simd
      for (Index i = j + 1; i < rows; ++i) t[i] -= static_cast<double>(column[i]) * tj;
    }
    std::copy(t, t + columns, x + first);
    for (Index i = columns; i < rows; ++i) x[row[i]] += t[i];
  }
}

template <typename Loops>
__attribute__((always_inline)) inline void backward_supernodes(const Supernodes& sn, const float* values, double* x,
                                                               double* t) {
  for (Index s = sn.count - 1; s >= 0; --s) {
    const Index first = sn.first_column[s], columns = sn.columns(s), rows = sn.row_count(s);
    const Index* row = sn.rows + sn.row_start[s];
    const float* block = values + sn.value_start[s];
    std::copy(x + first, x + first + columns, t);
    for (Index i = columns; i < rows; ++i) t[i] = x[row[i]];
    Index j = columns;
    for (; j % 4 != 0; --j) {  // the last columns one by one, then four at a time
      const float* column = block + (j - 1) * rows;
      double sum = 0.0;
#pragma omp simd reduction(+ : sum)
      for (Index i = j; i < rows; ++i) sum += static_cast<double>(column[i]) * t[i];
      t[j - 1] = (t[j - 1] - sum) / column[j - 1];
    }
    for (; j > 0; j -= 4) {
      const Index k = j - 4;
      const float *c0 = block + k * rows, *c1 = c0 + rows, *c2 = c1 + rows, *c3 = c2 + rows;
      const float* const c[4] = {c0, c1, c2, c3};
      double sums[4];
      Loops::dot4(c, t, j, rows, sums);
      const double s0 = sums[0], s1 = sums[1], s2 = sums[2], s3 = sums[3];
      const double t3 = (t[k + 3] - s3) / c3[k + 3];
      const double t2 = (t[k + 2] - s2 - c2[k + 3] * t3) / c2[k + 2];
      const double t1 = (t[k + 1] - s1 - c1[k + 2] * t2 - c1[k + 3] * t3) / c1[k + 1];
      t[k] = (t[k] - s0 - c0[k + 1] * t1 - c0[k + 2] * t2 - c0[k + 3] * t3) / c0[k];
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
__attribute__((always_inline)) inline void forward_block_supernodes(const Supernodes& sn, const float* values,
                                                                    float* x, float* t) {
  for (Index s = 0; s < sn.count; ++s) {
    const Index first = sn.first_column[s], columns = sn.columns(s), rows = sn.row_count(s);
    const Index* row = sn.rows + sn.row_start[s];
    const float* block = values + sn.value_start[s];
    std::copy(x + first * kWidth, x + (first + columns) * kWidth, t);
    std::fill(t + columns * kWidth, t + rows * kWidth, 0.0f);
    Index j = 0;
    for (; j + 4 <= columns; j += 4) {
      const float *c0 = block + j * rows, *c1 = c0 + rows, *c2 = c1 + rows, *c3 = c2 + rows;
      float* a = t + j * kWidth;  // rows j .. j + 3
      for (int r = 0; r < kWidth; ++r) {
        const float t0 = a[r] / c0[j];
        const float t1 = (a[kWidth + r] - c0[j + 1] * t0) / c1[j + 1];
        const float t2 = (a[2 * kWidth + r] - c0[j + 2] * t0 - c1[j + 2] * t1) / c2[j + 2];
        const float t3 = (a[3 * kWidth + r] - c0[j + 3] * t0 - c1[j + 3] * t1 - c2[j + 3] * t2) / c3[j + 3];
        a[r] = t0;
        a[kWidth + r] = t1;
        a[2 * kWidth + r] = t2;
        a[3 * kWidth + r] = t3;
      }
      const float* const c[4] = {c0, c1, c2, c3};
      Loops::subtract4_rows(c, a, t, j + 4, rows);
    }
    for (; j < columns; ++j) {
      const float* column = block + j * rows;
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

using Solve = void (*)(const Supernodes&, const float*, double*, double*);
using BlockSolve = void (*)(const Supernodes&, const float*, float*, float*);
void forward_plain(const Supernodes& sn, const float* values, double* x, double* t) {
  forward_supernodes<PlainLoops>(sn, values, x, t);
}
void backward_plain(const Supernodes& sn, const float* values, double* x, double* t) {
  backward_supernodes<PlainLoops>(sn, values, x, t);
}
void forward_block_plain(const Supernodes& sn, const float* values, float* x, float* t) {
  forward_block_supernodes<PlainLoops>(sn, values, x, t);
}
#ifdef FASTILT_HAVE_AVX2_KERNELS
__attribute__((target("avx2,fma"))) void forward_avx2(const Supernodes& sn, const float* values, double* x,
                                                      double* t) {
  forward_supernodes<Avx2Loops>(sn, values, x, t);
}
__attribute__((target("avx2,fma"))) void backward_avx2(const Supernodes& sn, const float* values, double* x,
                                                       double* t) {
  backward_supernodes<Avx2Loops>(sn, values, x, t);
}
__attribute__((target("avx2,fma"))) void forward_block_avx2(const Supernodes& sn, const float* values, float* x,
                                                            float* t) {
  forward_block_supernodes<Avx2Loops>(sn, values, x, t);
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
  Index widest = 0;
  for (Index s = 0; s < sn.count; ++s) {
    widest = std::max(widest, sn.row_count(s));
    for (Index j = 0; j < sn.columns(s); ++j)
      if (values_[sn.value_start[s] + j * sn.row_count(s) + j] == 0.0f) return false;  // a pivot underflowed
  }
  std::copy(values_.begin(), values_.end(), x);
  factor_ = &L;
  x_.resize(L.n);
  column_.resize(widest);
  widest_ = widest;
  return true;
}

void SingleFactor::prepare(const cholmod_factor& L, const std::int64_t* indptr, const std::int64_t* indices) {
  const Supernodes sn(L);
  const Index n = static_cast<Index>(L.n);
  const auto* perm = static_cast<const Index*>(L.Perm);
  std::vector<Index> position(n);  // of each original row and column in P A Pᵀ
  for (Index k = 0; k < n; ++k) position[perm[k]] = k;
  supernode_of_.resize(n);
  Index widest = 0, largest_update = 0;
  for (Index s = 0; s < sn.count; ++s) {
    for (Index j = sn.first_column[s]; j < sn.first_column[s + 1]; ++j) supernode_of_[j] = s;
    widest = std::max(widest, sn.row_count(s));
    largest_update = std::max(largest_update, sn.row_count(s) - sn.columns(s));
  }
  slot_.assign(indptr[n], -1);
  for (Index j = 0; j < n; ++j)
    for (std::int64_t p = indptr[j]; p < indptr[j + 1]; ++p) {
      if (indices[p] < j) continue;  // the upper triangle
      const Index a = position[indices[p]], b = position[j];
      const Index column = std::min(a, b), row = std::max(a, b), s = supernode_of_[column];
      const Index* rows = sn.rows + sn.row_start[s];
      const Index at = std::lower_bound(rows, rows + sn.row_count(s), row) - rows;
      slot_[p] = sn.value_start[s] + (column - sn.first_column[s]) * sn.row_count(s) + at;
    }
  // The supernodal elimination tree and each supernode's flops (spotrf,
  // strsm, ssyrk), plus its scatter of about (rows below)² values.
  std::vector<std::int64_t> parent(sn.count, -1);
  std::vector<double> work(sn.count);
  for (Index s = 0; s < sn.count; ++s) {
    const double c = static_cast<double>(sn.columns(s)), below = static_cast<double>(sn.row_count(s)) - c;
    if (below > 0) parent[s] = supernode_of_[sn.rows[sn.row_start[s] + sn.columns(s)]];
    work[s] = c * c * c / 3 + below * c * c + below * below * (c + 1);
  }
  split_ = split_subtrees(parent, work);
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
  x_.resize(n);
  column_.resize(widest);
  widest_ = widest;
  analysed_ = &L;
}

bool SingleFactor::factorize(const cholmod_factor& L, const std::int64_t* indptr, const std::int64_t* indices,
                             const double* values) {
  factor_ = nullptr;
  if (analysed_ != &L) prepare(L, indptr, indices);
  const Index n = static_cast<Index>(L.n);
  std::fill(values_.begin(), values_.end(), 0.0f);
  for (std::int64_t p = 0; p < indptr[n]; ++p) {
    if (slot_[p] < 0) continue;
    if (!(std::fabs(values[p]) <= std::numeric_limits<float>::max())) return false;
    values_[slot_[p]] += static_cast<float>(values[p]);
  }
  // Group 1's updates of the top are added after all of group 0's, so the
  // sums come out the same whichever thread runs which group, and when.  (An
  // unsplit tree is all group 0, with no top.)
  std::fill(top_updates_.begin(), top_updates_.end(), 0.0f);
  bool done[2] = {true, true};
  for_each_part(split_.group[1].empty() ? 1 : 2,
                [&](int g) { done[g] = eliminate(L, split_.group[g], scratch_[g], g == 1); });
  if (!done[0] || !done[1]) return false;
  const Supernodes sn(L);
  for (const std::int64_t s : split_.top) {
    float* block = values_.data() + sn.value_start[s];
    const float* gathered = top_updates_.data() + top_offset_[s];
    const Index size = sn.columns(s) * sn.row_count(s);
#pragma omp simd
    for (Index i = 0; i < size; ++i) block[i] += gathered[i];
  }
  if (!eliminate(L, split_.top, scratch_[0], false)) return false;
  factor_ = &L;
  return true;
}

bool SingleFactor::eliminate(const cholmod_factor& L, const std::vector<std::int64_t>& order, Scratch& scratch,
                             bool gather_top) {
  const Supernodes sn(L);
  const char kLower = 'L', kRight = 'R', kTranspose = 'T', kNo = 'N', kNonUnit = 'N';
  const float kOne = 1.0f, kZero = 0.0f;
  for (const Index s : order) {
    const Index columns = sn.columns(s), rows = sn.row_count(s), below = rows - columns;
    float* block = values_.data() + sn.value_start[s];
    const int nc = static_cast<int>(columns), nr = static_cast<int>(rows), m = static_cast<int>(below);
    int info = 0;
    spotrf_(&kLower, &nc, block, &nr, &info, 1);
    if (info != 0) return false;
    if (below == 0) continue;
    // The rows below: B := B L₁₁⁻ᵀ; then their update C = B Bᵀ (lower
    // triangle), subtracted from the columns of the later supernodes that
    // these rows are.
    strsm_(&kRight, &kLower, &kTranspose, &kNonUnit, &m, &nc, &kOne, block, &nr, block + columns, &nr, 1, 1, 1, 1);
    float* update = scratch.update.data();
    Index* relative = scratch.relative.data();
    Index* run_end = scratch.run_end.data();
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

void SingleFactor::forward(double* b) {
  const auto* perm = static_cast<const Index*>(factor_->Perm);
  for (std::size_t k = 0; k < x_.size(); ++k) x_[k] = b[perm[k]];
  solves().forward(Supernodes(*factor_), values_.data(), x_.data(), column_.data());
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
    solves().forward_block(Supernodes(*factor_), values_.data(), x.data(), t.data());
    for (int r = 0; r < count; ++r)
      for (Index k = 0; k < n; ++k) block[r * n + k] = x[k * kWidth + r];
  }
}

void SingleFactor::backward(double* b) {
  const auto* perm = static_cast<const Index*>(factor_->Perm);
  std::copy(b, b + x_.size(), x_.begin());
  solves().backward(Supernodes(*factor_), values_.data(), x_.data(), column_.data());
  for (std::size_t k = 0; k < x_.size(); ++k) b[perm[k]] = x_[k];
}

}  // namespace fastilt

