// Cholesky factorisation of a symmetric positive definite band matrix on two
// cores: nested dissection of the band.
//
// The rows split into block 1 = [0, m), a separator S = [m, m + kd) and
// block 2 = [m + kd, n).  No entry of a band of half-width kd couples the two
// blocks, so in the elimination order (block 1, block 2 bottom-up, S) the
// factor is
//     L = [L1 0 0; 0 L2 0; X1 X2 LS],   LS LSᵀ = A_SS - X1 X1ᵀ - X2 X2ᵀ,
// with L1 and L2 band factors (LAPACK dpbtrf, one per thread, at the same
// time) and X1, X2, LS dense kd x kd.  Block 2 is eliminated from its far end
// so that its coupling to S sits at the end of its elimination, as block 1's
// does: X1 and X2 then live in the trailing kd columns of L1 and L2 only (no
// fill-in).  The answer is that of one band Cholesky up to rounding.
//
// Storage is n x ld doubles, ld = kd + 1 + kBandPadding (zero slots below
// each column's band, for the panel kernel: panel_cholesky.hpp): block 1 and
// S in LAPACK lower band storage, block 2 in the lower band storage of its
// reversal.
// Either way, row i's entries on one side of the diagonal are contiguous
// there (a "line"), and the caller writes the matrix line by line (see
// factor()), so that each thread also assembles its own block.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace fastilt {

class SplitBandCholesky {
 public:
  // Splitting pays from about this many rows per (kd + 1): below it the
  // separator's O(kd³) dense work is a noticeable part of the band's O(n kd²).
  static constexpr std::int64_t kRowsPerBandwidthToSplit = 64;
  // Two blocks from kRowsPerBandwidthToSplit * (kd + 1) rows, otherwise one.
  static int default_blocks(std::int64_t n, std::int64_t kd);

  // `blocks` is 1 (a plain band Cholesky) or 2 (needs n >= 3 kd, kd >= 1).
  SplitBandCholesky(std::int64_t n, std::int64_t kd, int blocks);

  std::int64_t n() const { return n_; }
  std::int64_t kd() const { return kd_; }
  int blocks() const { return blocks_; }

  // Row i's entries A(i, i + direction * p), p = 0 ... kd, are
  // values[p]: looking ahead (direction +1, the lower band storage's column
  // i) in block 1 and S, behind (-1, the reversal's column) in block 2.
  // begin_line(i) zeroes them.  Entries outside the matrix, and those ahead
  // of S's rows in block 2 (block 2's own lines hold them), are not read.
  struct Line {
    double* values;
    int direction;
  };
  Line begin_line(std::int64_t i);

  // Writes the matrix and factors it: fill(begin, end) must begin_line() and
  // write the line of every row in [begin, end).  Each part calls it for its
  // rows, in stretches just before it factors them (band_cholesky_fill_and_factor),
  // the two parts concurrently where two cores are free (free_cores.hpp).
  // Throws NotPositiveDefinite (minor counted in the elimination order).
  void factor(const std::function<void(std::int64_t begin, std::int64_t end)>& fill);

  // b := A⁻¹ b for one right-hand side of length n.
  void solve(double* b) const;

 private:
  // A(i, j) of the lower triangle, i - j <= kd, where the lines put it.
  double entry(std::int64_t i, std::int64_t j) const;
  // Writes (fill) and factors block `part`: part 0 writes block 1 and S,
  // part 1 block 2.
  void factor_block(int part, const std::function<void(std::int64_t, std::int64_t)>& fill);
  void factor_separator();
  void forward(int part, double* b) const;
  void backward(int part, double* b) const;

  std::int64_t n_, kd_, ld_;
  int blocks_;
  std::int64_t separator_;  // m: first row of S (n when not split)
  std::int64_t second_;     // m + kd: first row of block 2 (n when not split)
  std::vector<double> storage_;
  // Split only: X1, X2 (the couplings to S) and then LS, kd x kd column-major.
  std::vector<double> coupling_[2], schur_[2], separator_factor_;
};

}  // namespace fastilt
