#include "split_band_cholesky.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <string>

#include "cholesky.hpp"
#include "errors.hpp"
#include "free_cores.hpp"
#include "lapack.hpp"
#include "panel_cholesky.hpp"

namespace fastilt {
namespace {

const char kLower = 'L', kNo = 'N', kTranspose = 'T', kRight = 'R';
const int kOne = 1;

}  // namespace

int SplitBandCholesky::default_blocks(std::int64_t n, std::int64_t kd) {
  return kd >= 1 && n >= kRowsPerBandwidthToSplit * (kd + 1) ? 2 : 1;
}

SplitBandCholesky::SplitBandCholesky(std::int64_t n, std::int64_t kd, int blocks)
    : n_(n), kd_(kd), ld_(kd + 1 + kBandPadding), blocks_(blocks) {
  if (n < 0 || kd < 0 || n > INT_MAX || kd >= INT_MAX)
    throw std::invalid_argument("band of n = " + std::to_string(n) + ", kd = " + std::to_string(kd) +
                                " out of range for LAPACK");
  if (blocks != 1 && blocks != 2) throw std::invalid_argument("blocks must be 1 or 2");
  if (blocks == 2 && (kd < 1 || n < 3 * kd))
    throw std::invalid_argument("two blocks need kd >= 1 and n >= 3 kd");
  separator_ = blocks == 2 ? (n - kd) / 2 : n;
  second_ = blocks == 2 ? separator_ + kd : n;
  storage_.resize(static_cast<std::size_t>(n * ld_));
  if (blocks == 2) {
    for (auto* v : {&coupling_[0], &coupling_[1], &schur_[0], &schur_[1], &separator_factor_})
      v->resize(static_cast<std::size_t>(kd * kd));
  }
}

SplitBandCholesky::Line SplitBandCholesky::begin_line(std::int64_t i) {
  // Block 1 and S: column i of the lower band storage, A(i + p, i) = A(i, i + p).
  // Block 2 reversed (row i -> n - 1 - i): the reversal's column
  // second + n - 1 - i holds A(i, i - p).
  const std::int64_t column = i < second_ ? i : second_ + n_ - 1 - i;
  double* values = storage_.data() + column * ld_;
  std::fill_n(values, ld_, 0.0);
  return {values, i < second_ ? 1 : -1};
}

void SplitBandCholesky::factor(const std::function<void(std::int64_t, std::int64_t)>& fill) {
  for_each_part(blocks_, [&](int p) { factor_block(p, fill); });
  if (blocks_ == 2) factor_separator();
}

void SplitBandCholesky::factor_block(int part, const std::function<void(std::int64_t, std::int64_t)>& fill) {
  const std::int64_t rows = part == 0 ? separator_ : n_ - second_;
  double* block = storage_.data() + (part == 0 ? 0 : second_ * ld_);
  // Column c of the block's storage is the line of row c (block 1) or of row
  // n - 1 - c (block 2, reversed).
  const auto fill_columns = [&](std::int64_t first, std::int64_t last) {
    if (part == 0)
      fill(first, last);
    else
      fill(n_ - last, n_ - first);
  };
  try {
    band_cholesky_fill_and_factor(block, rows, kd_, ld_, fill_columns);
  } catch (const NotPositiveDefinite& e) {
    throw NotPositiveDefinite(e.minor() + (part == 0 ? 0 : separator_));
  }
  if (part == 0) fill(separator_, second_);  // S's rows
  if (blocks_ == 1) return;
  // The coupling C of S to the block's last kd unknowns (elimination order),
  // as a dense kd x kd matrix: C(s, c) = A(S row s, block unknown c); then
  // X = C T⁻ᵀ with T the trailing kd x kd triangle of the block's factor
  // (band storage read as a dense matrix with leading dimension ld - 1: (i, j)
  // at (i - j) + j ld = i + j (ld - 1)), and its Schur term X Xᵀ.
  const std::int64_t kd = kd_;
  double* x = coupling_[part].data();
  for (std::int64_t c = 0; c < kd; ++c)
    for (std::int64_t s = 0; s < kd; ++s) {
      const std::int64_t row = part == 0 ? separator_ + s : second_ + kd - 1 - c;  // the larger index
      const std::int64_t col = part == 0 ? separator_ - kd + c : separator_ + s;
      x[s + c * kd] = row - col <= kd ? entry(row, col) : 0.0;
    }
  const int k = static_cast<int>(kd), dense_ld = static_cast<int>(ld_ - 1);
  const double one = 1.0, zero = 0.0;
  const double* t = block + (rows - kd) * ld_;
  dtrsm_(&kRight, &kLower, &kTranspose, &kNo, &k, &k, &one, t, &dense_ld, x, &k, 1, 1, 1, 1);
  dsyrk_(&kLower, &kNo, &k, &k, &one, x, &k, &zero, schur_[part].data(), &k, 1, 1);
}

double SplitBandCholesky::entry(std::int64_t i, std::int64_t j) const {
  if (i < second_) return storage_[(i - j) + j * ld_];
  return storage_[(i - j) + (second_ + n_ - 1 - i) * ld_];
}

void SplitBandCholesky::factor_separator() {
  const std::int64_t kd = kd_;
  double* s = separator_factor_.data();
  for (std::int64_t c = 0; c < kd; ++c)
    for (std::int64_t r = c; r < kd; ++r)
      s[r + c * kd] = entry(separator_ + r, separator_ + c) - schur_[0][r + c * kd] - schur_[1][r + c * kd];
  try {
    dense_cholesky_factor(s, kd);
  } catch (const NotPositiveDefinite& e) {
    throw NotPositiveDefinite(e.minor() + separator_ + (n_ - second_));
  }
}

void SplitBandCholesky::solve(double* b) const {
  if (blocks_ == 1) {
    band_cholesky_solve(storage_.data(), n_, kd_, ld_, b, 1);
    return;
  }
  for_each_part(2, [&](int p) { forward(p, b); });
  // S: y_S = LS⁻¹ (b_S - X1 y1 - X2 y2), then x_S = LS⁻ᵀ y_S.
  const int k = static_cast<int>(kd_);
  const double minus_one = -1.0, one = 1.0;
  double* bs = b + separator_;
  dgemv_(&kNo, &k, &k, &minus_one, coupling_[0].data(), &k, b + separator_ - kd_, &kOne, &one, bs, &kOne, 1);
  dgemv_(&kNo, &k, &k, &minus_one, coupling_[1].data(), &k, b + n_ - kd_, &kOne, &one, bs, &kOne, 1);
  dtrsv_(&kLower, &kNo, &kNo, &k, separator_factor_.data(), &k, bs, &kOne, 1, 1, 1);
  dtrsv_(&kLower, &kTranspose, &kNo, &k, separator_factor_.data(), &k, bs, &kOne, 1, 1, 1);
  for_each_part(2, [&](int p) { backward(p, b); });
}

// Block p's unknowns in elimination order: block 1 as is, block 2 reversed in
// place (its last kd entries then face S).
void SplitBandCholesky::forward(int part, double* b) const {
  const std::int64_t first = part == 0 ? 0 : second_;
  const int rows = static_cast<int>(part == 0 ? separator_ : n_ - second_);
  const int k = static_cast<int>(kd_), ld = static_cast<int>(ld_);
  if (part == 1) std::reverse(b + first, b + n_);
  dtbsv_(&kLower, &kNo, &kNo, &rows, &k, storage_.data() + first * ld_, &ld, b + first, &kOne, 1, 1, 1);
}

void SplitBandCholesky::backward(int part, double* b) const {
  const std::int64_t first = part == 0 ? 0 : second_;
  const int rows = static_cast<int>(part == 0 ? separator_ : n_ - second_);
  const int k = static_cast<int>(kd_), ld = static_cast<int>(ld_);
  const double minus_one = -1.0, one = 1.0;
  double* tail = b + first + rows - kd_;
  dgemv_(&kTranspose, &k, &k, &minus_one, coupling_[part].data(), &k, b + separator_, &kOne, &one, tail, &kOne, 1);
  dtbsv_(&kLower, &kTranspose, &kNo, &rows, &k, storage_.data() + first * ld_, &ld, b + first, &kOne, 1, 1, 1);
  if (part == 1) std::reverse(b + first, b + n_);
}

}  // namespace fastilt
