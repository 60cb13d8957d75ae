#include "low_rank.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "../linalg/cholesky.hpp"
#include "../linalg/lapack.hpp"
#include "../linalg/panels.hpp"
#include "sparse_cholesky.hpp"

namespace fastilt {
namespace {

const char kNo = 'N', kTranspose = 'T', kLower = 'L';
const int kOne = 1;
const double kPlus = 1.0, kMinus = -1.0, kZero = 0.0;

double dot(const double* x, const double* y, std::int64_t n) {
  double s = 0;
  for (std::int64_t i = 0; i < n; ++i) s += x[i] * y[i];
  return s;
}

// Γ's pattern alone: an empty W.
Csc no_entries(std::int64_t n) {
  Csc w;
  w.indptr.assign(n + 1, 0);
  return w;
}

}  // namespace

LowRankSystem::LowRankSystem(const Grid& grid, const StencilMatrix& gamma,
                             std::vector<std::vector<double>> w_factors, std::vector<double> a,
                             std::vector<double> b, double rtol, int max_steps, bool single_precision)
    : grid_(grid), n_(grid.size), k_(static_cast<std::int64_t>(b.size())), w_(std::move(w_factors)),
      a_(std::move(a)), b_(std::move(b)), rtol_(rtol), max_steps_(max_steps),
      single_precision_(single_precision),
      gamma_only_(NormalEquations::sparse(grid, gamma, no_entries(grid.size),
                                          NormalEquations::Ordering::GridDissection)) {
  if (static_cast<int>(w_.size()) != grid_.ndim)
    throw std::invalid_argument("one factor of W per dimension is needed");
  for (int d = 0; d < grid_.ndim; ++d)
    if (static_cast<std::int64_t>(w_[d].size()) != grid_.shape[d] * grid_.shape[d])
      throw std::invalid_argument("W factor " + std::to_string(d) + " must be Ntau x Ntau");
  for (int d = 0; d < kMaxDim; ++d)
    if (grid_.box[d] != grid_.shape[d]) throw std::invalid_argument("no static baseline in the low-rank form");
  if (k_ < 1 || static_cast<std::int64_t>(a_.size()) != k_ * n_)
    throw std::invalid_argument("A must be k x n with k = len(b) >= 1");
  z_.resize(a_.size());
  z_panels_.resize(dense_panel_values(n_, k_));
  c_.resize(k_ * k_);
  for (auto* v : {&ping_, &pong_, &r_, &q_, &p_, &z_step_, &last_}) v->resize(n_);
  work_.assign(blocks_of(n_) * kPanelColumns, 0.0);
  small_.assign(blocks_of(k_) * kPanelColumns, 0.0);
}

void LowRankSystem::apply_w(const double* x, double* out) {
  // Mode products with the symmetric W_d: axis 0 as one product W_0 X, the
  // others slice by slice, X[inner, N_d, outer] -> X[:, :, o] W_d.
  const double* in = x;
  double* buffers[2] = {ping_.data(), pong_.data()};
  std::int64_t inner = 1;
  for (int d = 0; d < grid_.ndim; ++d) {
    const int nd = static_cast<int>(grid_.shape[d]);
    const std::int64_t outer = n_ / (inner * nd);
    double* target = d == grid_.ndim - 1 ? out : buffers[d % 2];
    if (d == 0) {
      const int columns = static_cast<int>(outer);
      dgemm_(&kNo, &kNo, &nd, &columns, &nd, &kPlus, w_[0].data(), &nd, in, &nd, &kZero, target, &nd,
             1, 1);
    } else {
      const int rows = static_cast<int>(inner);
      for (std::int64_t o = 0; o < outer; ++o) {
        const std::int64_t offset = o * inner * nd;
        dgemm_(&kNo, &kNo, &rows, &nd, &nd, &kPlus, in + offset, &rows, w_[d].data(), &nd, &kZero,
               target + offset, &rows, 1, 1);
      }
    }
    in = target;
    inner *= nd;
  }
}

void LowRankSystem::apply_system(const StencilMatrix& gamma, const double* x, double* out) {
  apply_w(x, out);
  // Γ x from stencil storage: entry (i + lin, i) and its mirror.  Slots whose
  // offset leaves the grid hold zero (see StencilMatrix), so no bounds test.
  for (std::size_t o = 0; o < gamma.offsets.size(); ++o) {
    const double* v = gamma.values.data() + o * n_;
    const std::int64_t lin = gamma.linear[o];
    if (o == 0) {
      for (std::int64_t i = 0; i < n_; ++i) out[i] += v[i] * x[i];
      continue;
    }
    for (std::int64_t i = 0; i + lin < n_; ++i) {
      out[i + lin] += v[i] * x[i];
      out[i] += v[i] * x[i + lin];
    }
  }
}

void LowRankSystem::precondition(const double* v, const double* b_part, double* out) {
  // In work_, zero past n: the products with Z's panels go over whole blocks.
  double* x = work_.data();
  std::copy(v, v + n_, x);
  factor_->forward(x);  // x = M⁻¹ v
  if (b_part != nullptr)
    std::copy(b_part, b_part + k_, small_.begin());
  else
    std::fill(small_.begin(), small_.begin() + k_, 0.0);
  subtract_transposed_product(z_panels_.data(), n_, k_, x, small_.data());
  dense_cholesky_solve(c_.data(), k_, small_.data(), 1);  // C⁻¹ (b − Zᵀx)
  add_product(z_panels_.data(), n_, k_, small_.data(), x);
  factor_->backward(x);  // M⁻ᵀ (x + Z C⁻¹ (b − Zᵀx))
  std::copy(x, x + n_, out);
}

void LowRankSystem::factor(const StencilMatrix& gamma) {
  const int n = static_cast<int>(n_), k = static_cast<int>(k_);
  // In single precision before Z is solved with it: Z, C and the solves in CG
  // then all come from one factor (single_factor.hpp).  With that factor Z is
  // solved in single-precision arithmetic too, M Z = Ãᵀ for an Ã near A, and C
  // is built from the same Z: the preconditioner is then the exact inverse of
  // Γ̃ + ÃᵀÃ, as good as with A (the same counts of factorisations and steps).
  factor_ = &gamma_only_.factor(gamma, single_precision_);
  steps_since_factor_ = 0;
  solves_since_factor_ = 0;
  std::copy(a_.begin(), a_.end(), z_.begin());
  factor_->forward_in_blocks(z_.data(), k_, kSolveColumns);  // Z = M⁻¹Aᵀ
  // Z in single precision, in panels for the preconditioner's two products
  // (half the bytes of each), and C from the same rounded values: the
  // preconditioner stays the exact inverse of Γ̃ + ÃᵀÃ, Ãᵀ = M Z.
  for (double& value : z_) value = static_cast<float>(value);
  dense_to_panels(z_.data(), n_, k_, z_panels_.data());
  dsyrk_(&kLower, &kTranspose, &k, &n, &kPlus, z_.data(), &n, &kZero, c_.data(), &k, 1, 1);
  for (std::int64_t j = 0; j < k_; ++j) c_[j * (k_ + 1)] += 1.0;
  dense_cholesky_factor(c_.data(), k_);  // C = I + ZᵀZ
}

bool LowRankSystem::conjugate_gradients(const StencilMatrix& gamma, const double* y, double* x) {
  std::vector<double>& r = r_;
  apply_system(gamma, x, q_.data());
  for (std::int64_t i = 0; i < n_; ++i) r[i] = y[i] - q_[i];
  const double target = rtol_ * std::sqrt(dot(y, y, n_));
  double norm = std::sqrt(dot(r.data(), r.data(), n_)), best = norm;
  if (norm <= target) return true;
  precondition(r.data(), nullptr, p_.data());
  double rz = dot(r.data(), p_.data(), n_);
  for (int stalled = 0, still_steps = 0; last_cg_steps_ < max_steps_;) {
    apply_system(gamma, p_.data(), q_.data());
    const double alpha = rz / dot(p_.data(), q_.data(), n_);
    double step = 0, size = 0;  // ‖p‖², ‖x‖² (after the step), in the same pass
    for (std::int64_t i = 0; i < n_; ++i) {
      x[i] += alpha * p_[i];
      r[i] -= alpha * q_[i];
      step += p_[i] * p_[i];
      size += x[i] * x[i];
    }
    ++last_cg_steps_;
    norm = std::sqrt(dot(r.data(), r.data(), n_));
    if (norm <= target) return true;
    // Or once x no longer moves: what the iteration carries into the next Γ
    // is g, and the residual says little about g's error in the directions
    // of Γ's tiny eigenvalues (a residual tolerance of 1e-12 moved the
    // 128 x 128 map by 5e-6; these steps keep it within 2e-11).
    const bool still = std::abs(alpha) * std::sqrt(step) <= kStepTolerance * std::sqrt(size);
    still_steps = still ? still_steps + 1 : 0;
    if (still_steps >= kStillSteps) return true;
    // With a good preconditioner CG at least halves the residual every few
    // steps.  When it no longer does, either the rounding floor is reached
    // (further steps only wander in the directions of Γ's tiny eigenvalues:
    // measured to move g by 1e-2 on a 128 x 128 grid) or a kept factor has
    // become a poor preconditioner, and solve() refactors.
    stalled = norm < 0.5 * best ? 0 : stalled + 1;
    best = std::min(best, norm);
    if (stalled >= kStalledSteps) return false;
    precondition(r.data(), nullptr, z_step_.data());
    const double rz_next = dot(r.data(), z_step_.data(), n_);
    for (std::int64_t i = 0; i < n_; ++i) p_[i] = z_step_[i] + rz_next / rz * p_[i];
    rz = rz_next;
  }
  return false;
}

void LowRankSystem::restart(const double* b) {
  std::copy(b, b + k_, b_.begin());
  factor_ = nullptr;  // the first solve factors and starts afresh, as in a new system
  has_last_ = false;
  refactor_next_ = false;
  skip_after_failure_ = 1;
  skip_stale_ = 0;
  last_cg_steps_ = 0;
}

void LowRankSystem::solve(const StencilMatrix& gamma, const double* y, double* x) {
  // Γ changes little from one iteration to the next once ILTpy's blending
  // has set in, and the factor of an earlier Γ then still preconditions CG
  // well: refactor when the last solve cost more steps than the average
  // since the factorisation (below), or when this one does not converge
  // without.  While Γ still changes wholesale (the first iterations), a kept
  // factor stalls CG, and each try costs kStalledSteps wasted steps: after a
  // failed try the next ones are skipped for 1, 2, 4, ... solves (at most
  // kMaxSkippedTries), until one succeeds.
  bool fresh = factor_ == nullptr || refactor_next_;
  if (!fresh && skip_stale_ > 0) {
    --skip_stale_;
    fresh = true;
  }
  if (fresh) factor(gamma);
  // Start from the last solution: Γ, and with it g, change less from one
  // iteration to the next than the preconditioner's own error, and more so
  // the further the iteration goes (T1-T2-D: 622 CG steps in place of 889
  // and one preconditioner application a solve fewer; docs/performance.md).
  // The first solve starts from the preconditioner's answer,
  // x = (AᵀA + Γ)⁻¹ (Aᵀb + r) with r = y − Aᵀb.
  if (has_last_) {
    std::copy(last_.begin(), last_.end(), x);
  } else {
    const int n = static_cast<int>(n_), k = static_cast<int>(k_);
    std::copy(y, y + n_, r_.begin());
    dgemv_(&kNo, &n, &k, &kMinus, a_.data(), &n, b_.data(), &kOne, &kPlus, r_.data(), &kOne, 1);
    precondition(r_.data(), b_.data(), x);
  }
  last_cg_steps_ = 0;
  if (!conjugate_gradients(gamma, y, x) && !fresh) {
    factor(gamma);
    skip_stale_ = skip_after_failure_;
    skip_after_failure_ = std::min(2 * skip_after_failure_, kMaxSkippedTries);
    fresh = true;
    conjugate_gradients(gamma, y, x);
  } else if (!fresh) {
    skip_after_failure_ = 1;
  }
  std::copy(x, x + n_, last_.begin());
  has_last_ = true;
  // Keep the factor while it lowers the average cost of the solves since it
  // was made: refactor once this solve's steps exceed that average.
  steps_since_factor_ += last_cg_steps_;
  ++solves_since_factor_;
  refactor_next_ = static_cast<double>(last_cg_steps_) * solves_since_factor_ >
                   kFactorCostInSteps + steps_since_factor_;
}

}  // namespace fastilt
