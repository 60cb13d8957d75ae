#include "penalty.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <stdexcept>
#include <string>

#include "../linalg/errors.hpp"

namespace fastilt {
namespace {

using Coords = std::array<std::int64_t, kMaxDim>;

Offset negate(const Offset& d) { return {-d[0], -d[1], -d[2]}; }
Offset difference(const Offset& a, const Offset& b) {
  return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
}

// 0 for a finite v, NaN for an infinite or NaN one.  Summed over a loop
// (exactly, in any order, so that the loop vectorises as std::isfinite and a
// short-circuit && would not) it tells whether every value was finite.
double non_finite(double v) { return v - v; }

double sign_of(double v) { return (v > 0 ? 1.0 : 0.0) - (v < 0 ? 1.0 : 0.0); }

// sqrt(γ) from the moving maxima of the squared slope and curvature (the
// latter given in `weight`, which takes the result); false if a 1/γ or a
// sqrt(γ) is not finite: an overflowed 1/γ (huge g) would silently drop the
// penalty.  Arguments of restrict pointers, so that the loop vectorises.
bool uniform_weight_range(std::int64_t begin, std::int64_t end, double floor, double alpha_p_dq, double alpha_c,
                          double dq, const double* __restrict slope_max, double* __restrict weight) {
  double bad = 0;
#pragma omp simd reduction(+ : bad)
  for (std::int64_t i = begin; i < end; ++i) {
    const double inv = floor + alpha_p_dq * slope_max[i] + alpha_c * weight[i] / dq;
    weight[i] = std::sqrt(1 / inv);
    bad += non_finite(inv) + non_finite(weight[i]);
  }
  return bad == 0;
}

// The zero-crossing measure of a point of sign s against the mean sign of
// its two neighbours (|P_k| has 1/2 per neighbour; 0 beyond the box) ...
double crossing_measure(double dq, double s, double sign_ahead, double sign_behind) {
  return dq * (1 - s * (0.5 * (sign_ahead + sign_behind)));
}
// ... scaled and capped at zc_max γ.
double capped_crossing(double crossing, double scale, double zc_max, double sqrt_gamma) {
  return std::min(crossing * scale, zc_max * sqrt_gamma * sqrt_gamma);
}

void capped_crossings_inside(std::int64_t begin, std::int64_t end, std::int64_t lin, double dq, double scale,
                             double zc_max, const double* __restrict g, const double* __restrict sqrt_gamma,
                             double* __restrict capped) {
  for (std::int64_t i = begin; i < end; ++i)
    capped[i] = capped_crossing(crossing_measure(dq, sign_of(g[i]), sign_of(g[i + lin]), sign_of(g[i - lin])),
                                scale, zc_max, sqrt_gamma[i]);
}

// `count` rows of L = Σ_k diag(sqrt γ_k) G_k and M = Σ_k diag(sqrt Cz_k) P_k
// for one direction k, from its sqrt γ_k (a) and Cz_k: l0 at the row's own
// point, l_ahead/m_ahead and l_behind/m_behind at its neighbours along the
// step, where they lie in the box; zc: M has rows (an axis, once the
// zero-crossing penalty is on).
void put_rows(std::int64_t count, bool ahead, bool behind, bool zc, const double* __restrict a,
              const double* __restrict cz, double* __restrict l0, double* __restrict l_ahead,
              double* __restrict l_behind, double* __restrict m_ahead, double* __restrict m_behind) {
  for (std::int64_t j = 0; j < count; ++j) {
    l0[j] -= 2 * a[j];
    if (ahead) l_ahead[j] = a[j];
    if (behind) l_behind[j] = a[j];
    if (zc) {
      const double b = std::sqrt(cz[j]);
      if (ahead) m_ahead[j] = 0.5 * b;
      if (behind) m_behind[j] = -0.5 * b;
    }
  }
}

// values *= factor; false if a product is not finite.
bool scale_values(double* __restrict values, std::int64_t count, double factor) {
  double bad = 0;
#pragma omp simd reduction(+ : bad)
  for (std::int64_t s = 0; s < count; ++s) {
    values[s] *= factor;
    bad += non_finite(values[s]);
  }
  return bad == 0;
}

// Window offsets -n_back..n_ahead of a moving maximum over nmax points: even
// windows lean ahead, as in ILTpy.
int window_back(int nmax) { return nmax % 2 ? nmax / 2 : nmax / 2 - 1; }
int window_ahead(int nmax) { return nmax / 2; }

double blend(int iteration, int start, double rate, double floor, double scale) {
  if (iteration > start) return scale * std::max(std::pow(1 - rate, iteration - start), floor);
  return scale;
}

}  // namespace

double Schedule::zero_crossing_ratio(int iteration) const {
  return blend(iteration, zc_down, zc_downrate, zc_updmin, zc_upd);
}

double Schedule::gamma_ratio(int iteration) const {
  if (iteration <= reg_down) return 1.0;
  return blend(iteration, reg_down, reg_downrate, reg_updmin, reg_upd);
}

void moving_max(const Grid& grid, const std::vector<Run>& runs, const Coords& extent, const Offset& step, int nmax,
                const double* v, double* out) {
  if (nmax <= 1) {
    std::copy(v, v + grid.size, out);
    return;
  }
  const int n_back = window_back(nmax), n_ahead = window_ahead(nmax);
  const std::int64_t lin = grid.linear(step);
  const Offset s = step;
  const Coords e = extent;
  for_each_run(
      grid, runs,
      [=](std::int64_t begin, std::int64_t end) {
        // The whole window lies in the box: one vector pass per offset, the
        // maxima taken in the same order as below.
        std::fill(out + begin, out + end, -INFINITY);
        for (std::int64_t o = -n_back; o <= n_ahead; ++o)
          for (std::int64_t i = begin; i < end; ++i) out[i] = std::max(out[i], v[i + o * lin]);
      },
      [=](std::int64_t i, const Coords& x) {
        const Room room = room_along(x, s, e);
        if (room.ahead < 0) {
          out[i] = v[i];
          return;
        }
        const std::int64_t first = -std::min<std::int64_t>(n_back, room.behind);
        const std::int64_t last = std::min<std::int64_t>(n_ahead, room.ahead);
        // A window reaching past the extent sees zeros there.
        double m = first > -n_back || last < n_ahead ? 0.0 : -INFINITY;
        for (std::int64_t o = first; o <= last; ++o) m = std::max(m, v[i + o * lin]);
        out[i] = m;
      });
}

PenaltyAssembler::PenaltyAssembler(Grid grid, std::vector<Direction> directions,
                                   std::vector<double> boundary, Schedule schedule)
    : grid_(grid), dirs_(std::move(directions)), boundary_(std::move(boundary)),
      schedule_(schedule) {
  if (static_cast<std::int64_t>(boundary_.size()) != grid_.size)
    throw std::invalid_argument("boundary must have one value per grid point");
  if (dirs_.size() > static_cast<std::size_t>(kMaxDirections))
    throw std::invalid_argument("at most " + std::to_string(kMaxDirections) + " regularisation directions");
  for (const auto& d : dirs_)
    for (int s : d.step)
      if (s < -1 || s > 1) throw std::invalid_argument("direction steps must be -1, 0 or 1 on every axis");
  row_points_.push_back({0, 0, 0});
  for (const auto& d : dirs_) {  // points 1 + 2k and 2 + 2k of direction k
    row_points_.push_back(d.step);
    row_points_.push_back(negate(d.step));
  }
  const std::size_t np = row_points_.size();
  gamma_.add({0, 0, 0});
  for (std::size_t p = 0; p < np; ++p) {
    reach_ = std::max(reach_, std::abs(grid_.linear(row_points_[p])));
    for (std::size_t q = p; q < np; ++q) {
      // Coupling offset q - p from p, stored from whichever point is the column.
      const Offset d = difference(row_points_[q], row_points_[p]);
      const bool forward = is_forward(d);
      const int offset = gamma_.add(forward ? d : negate(d));
      pairs_.push_back({static_cast<int>(p), static_cast<int>(q), offset,
                        grid_.linear(forward ? row_points_[p] : row_points_[q])});
    }
  }
  for (const auto& d : gamma_.offsets) gamma_.linear.push_back(grid_.linear(d));
  for (const auto& d : dirs_) {
    std::int64_t reach = 1;  // the neighbours of the differences and of the zero-crossing test
    for (int nmax : {d.c_nmax, d.p_nmax, d.zc_nmax})
      reach = std::max<std::int64_t>(reach, std::max(window_back(nmax), window_ahead(nmax)));
    runs_.push_back(runs_along(grid_, d.step, reach));
  }
  const std::size_t n = static_cast<std::size_t>(grid_.size);
  gamma_.values.assign(gamma_.offsets.size() * n, 0.0);
  sqrt_gamma_.assign(dirs_.size(), std::vector<double>(n));
  work_.resize(n);
  work2_.resize(n);
  reset();
}

void PenaltyAssembler::reset() {
  const std::size_t n = static_cast<std::size_t>(grid_.size);
  std::fill(gamma_.values.begin(), gamma_.values.end(), 0.0);
  std::fill(gamma_.values.begin(), gamma_.values.begin() + n, schedule_.initial_scale);
  cz_.assign(dirs_.size(), std::vector<double>(n, 0.0));
}

bool PenaltyAssembler::uniform_weights(const double* g) {
  const std::int64_t n = grid_.size;
  std::atomic<int> ok{1};
  for (std::size_t k = 0; k < dirs_.size(); ++k) {
    const Direction& dir = dirs_[k];
    const std::int64_t lin = grid_.linear(dir.step);
    const Offset step = dir.step;
    const Coords box = grid_.box;
    double* curvature2 = work_.data();
    double* slope2 = work2_.data();
    // Second and first differences of g along the step; neighbours beyond the
    // box count as zero, points outside it have none.
    auto differences = [=](std::int64_t i, double ahead, double behind) {
      const double curvature = ahead - 2 * g[i] + behind;
      const double slope = (ahead - behind) / 2;
      curvature2[i] = curvature * curvature;
      slope2[i] = slope * slope;
    };
    for_each_run(
        grid_, runs_[k],
        [=](std::int64_t begin, std::int64_t end) {
          for (std::int64_t i = begin; i < end; ++i) differences(i, g[i + lin], g[i - lin]);
        },
        [=](std::int64_t i, const Coords& x) {
          const Room room = room_along(x, step, box);
          if (room.ahead < 0)
            curvature2[i] = slope2[i] = 0;
          else
            differences(i, room.ahead > 0 ? g[i + lin] : 0.0, room.behind > 0 ? g[i - lin] : 0.0);
        });
    std::vector<double>& c = sqrt_gamma_[k];  // scratch before it takes sqrt(γ)
    moving_max(grid_, runs_[k], grid_.box, dir.step, dir.c_nmax, work_.data(), c.data());
    moving_max(grid_, runs_[k], grid_.box, dir.step, dir.p_nmax, work2_.data(), work_.data());
    const double dq = dir.delta_q;
    const double floor = dir.alpha_0 * std::pow(dq, 5);
    parallel_ranges(n, kParallelChunk, [&](std::int64_t begin, std::int64_t end) {
      if (!uniform_weight_range(begin, end, floor, dir.alpha_p * dq, dir.alpha_c, dq, work_.data(), c.data())) ok = 0;
    });
  }
  return ok != 0;
}

void PenaltyAssembler::zero_crossing_weights(const double* g, int iteration) {
  const std::int64_t n = grid_.size;
  const double ratio = schedule_.zero_crossing_ratio(iteration);
  for (std::size_t k = 0; k < dirs_.size(); ++k) {
    const Direction& dir = dirs_[k];
    if (!dir.is_axis) continue;
    const std::int64_t lin = grid_.linear(dir.step);
    const Offset step = dir.step;
    const Coords box = grid_.box;
    const double dq = dir.delta_q;
    const double scale = 1 / (dir.alpha_d * dq * dq * dq), zc_max = schedule_.zc_max;
    const double* sqrt_gamma = sqrt_gamma_[k].data();
    double* capped = work_.data();
    for_each_run(
        grid_, runs_[k],
        [=](std::int64_t begin, std::int64_t end) {
          capped_crossings_inside(begin, end, lin, dq, scale, zc_max, g, sqrt_gamma, capped);
        },
        [=](std::int64_t i, const Coords& x) {
          const Room room = room_along(x, step, box);
          double crossing = 0;
          if (room.ahead >= 0)
            crossing = crossing_measure(dq, sign_of(g[i]), room.ahead > 0 ? sign_of(g[i + lin]) : 0.0,
                                        room.behind > 0 ? sign_of(g[i - lin]) : 0.0);
          capped[i] = capped_crossing(crossing, scale, zc_max, sqrt_gamma[i]);
        });
    moving_max(grid_, runs_[k], grid_.shape, dir.step, dir.zc_nmax, work_.data(), work2_.data());
    std::vector<double>& cz = cz_[k];
    parallel_ranges(n, kParallelChunk, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) cz[i] = (1 - ratio) * cz[i] + ratio * work2_[i];
    });
  }
}

void PenaltyAssembler::add_row_products(std::int64_t begin, std::int64_t end, bool zc) {
  // Rows go in blocks: first the values of L's and M's rows at every row
  // point (0 where the point leaves the box), then Γ += l_p l_q + m_p m_q pair
  // by pair along the block, a loop the compiler vectorises.  A pair whose
  // point leaves the box adds l_p l_q = 0 to a slot that holds zero.
  constexpr std::int64_t kBlock = 256;
  const std::int64_t n = grid_.size;
  const int ndir = static_cast<int>(dirs_.size());
  const std::int64_t np = static_cast<std::int64_t>(row_points_.size());
  double* values = gamma_.values.data();
  const std::int64_t stride = std::min(kBlock, end - begin);  // a small grid takes a small block
  std::vector<double> scratch(static_cast<std::size_t>(2 * np * stride));
  double* l = scratch.data();  // l[p * stride + r - block]
  double* m = l + np * stride;
  const Coords box = grid_.box;
  for (std::int64_t block = begin; block < end; block += stride) {
    const std::int64_t size = std::min(stride, end - block);
    std::fill(scratch.begin(), scratch.end(), 0.0);
    // Row r of L = Σ_k diag(sqrt γ_k) G_k and of M = Σ_k diag(sqrt Cz_k) P_k,
    // at the row's points 0, +step_k (1 + 2k) and -step_k (2 + 2k); direction
    // by direction, so that interior rows go without bounds checks.
    for (int k = 0; k < ndir; ++k) {
      const double* a = sqrt_gamma_[k].data();
      const double* cz = cz_[k].data();
      const bool zc_k = zc && dirs_[k].is_axis;
      // Rows r..r+count-1 (at j of the block), all with the same neighbours.
      auto rows = [=](std::int64_t j, std::int64_t r, std::int64_t count, bool ahead, bool behind) {
        const std::int64_t ahead_at = (1 + 2 * k) * stride + j, behind_at = (2 + 2 * k) * stride + j;
        put_rows(count, ahead, behind, zc_k, a + r, cz + r, l + j, l + ahead_at, l + behind_at, m + ahead_at,
                 m + behind_at);
      };
      const std::vector<Run>& runs = runs_[k];
      auto run = std::partition_point(runs.begin(), runs.end(), [&](const Run& x) { return x.end <= block; });
      for (; run != runs.end() && run->begin < block + size; ++run) {
        const std::int64_t first = std::max(run->begin, block), last = std::min(run->end, block + size);
        if (run->interior) {
          rows(first - block, first, last - first, true, true);
          continue;
        }
        Coords x;
        grid_.coords(first, x);
        for (std::int64_t r = first; r < last; ++r, grid_.advance(x)) {
          const Room room = room_along(x, dirs_[k].step, box);
          if (room.ahead >= 0) rows(r - block, r, 1, room.ahead > 0, room.behind > 0);  // else an empty row
        }
      }
    }
    // Γ += l lᵀ + m mᵀ, lower triangle in stencil storage; rows whose slot
    // would leave the grid have no entry there (a point of the pair is out).
    for (const Pair& pair : pairs_) {
      const std::int64_t first = std::max<std::int64_t>(0, -pair.column - block);
      const std::int64_t count = std::min<std::int64_t>(size, n - pair.column - block) - first;
      double* __restrict out = values + (pair.offset * n + pair.column + block + first);
      const double* __restrict lp = l + pair.p * stride + first;
      const double* __restrict lq = l + pair.q * stride + first;
      if (zc) {
        const double* __restrict mp = m + pair.p * stride + first;
        const double* __restrict mq = m + pair.q * stride + first;
        for (std::int64_t j = 0; j < count; ++j) out[j] += lp[j] * lq[j] + mp[j] * mq[j];
      } else {
        for (std::int64_t j = 0; j < count; ++j) out[j] += lp[j] * lq[j];
      }
    }
  }
}

void PenaltyAssembler::assemble(const double* g, int iteration) {
  const std::int64_t n = grid_.size;
  if (!uniform_weights(g)) throw NonFinite("Gamma", iteration);
  const bool zc = schedule_.reg_zc && iteration > schedule_.zc_on;
  if (zc) zero_crossing_weights(g, iteration);
  // Γ := (1 - ratio) Γ_previous + weight Γ_new, in place (no second copy of
  // Γ): the previous Γ is scaled by (1 - ratio) / weight, the new terms are
  // added, and the sum is scaled by weight.
  const double ratio = schedule_.gamma_ratio(iteration);
  const double weight = ratio * schedule_.alpha_00;
  const std::int64_t size = static_cast<std::int64_t>(gamma_.values.size());
  double* values = gamma_.values.data();
  if (ratio != 1.0 && weight == 0.0) {  // nothing new enters Γ
    parallel_ranges(size, kParallelChunk, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t s = begin; s < end; ++s) values[s] *= 1 - ratio;
    });
    return;
  }
  const double kept = ratio == 1.0 ? 0.0 : (1 - ratio) / weight;
  parallel_ranges(size, kParallelChunk, [&](std::int64_t begin, std::int64_t end) {
    if (kept == 0.0)
      std::fill(values + begin, values + end, 0.0);
    else
      scale_values(values + begin, end - begin, kept);
  });

  // Row r writes only to columns within reach_ of r, so chunks longer than
  // 2 * reach_ that are not neighbours never touch the same entry: the even
  // chunks run in parallel, then the odd ones.
  const std::int64_t chunk = std::max<std::int64_t>(kParallelChunk, 2 * reach_ + 1);
  const std::int64_t nchunks = (n + chunk - 1) / chunk;
  if (nchunks <= 2) {
    add_row_products(0, n, zc);
  } else {
    for (std::int64_t parity = 0; parity < 2; ++parity) {
      const int count = static_cast<int>((nchunks - parity + 1) / 2);
      for_each_part(count, [&](int part) {
        const std::int64_t c = parity + 2 * std::int64_t{part};
        add_row_products(c * chunk, std::min(n, (c + 1) * chunk), zc);
      });
    }
  }
  parallel_ranges(n, kParallelChunk, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      double diagonal = boundary_[i];
      if (schedule_.nn) {
        const double s = static_cast<double>((g[i] > 0) - (g[i] < 0));
        diagonal += 0.5 * schedule_.alpha_nn * (1 - s);
      }
      values[i] += diagonal;
    }
  });
  std::atomic<int> ok{1};
  parallel_ranges(size, kParallelChunk, [&](std::int64_t begin, std::int64_t end) {
    if (!scale_values(values + begin, end - begin, weight)) ok = 0;
  });
  if (!ok) throw NonFinite("Gamma", iteration);
}

}  // namespace fastilt
