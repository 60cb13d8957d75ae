// A supernodal Cholesky factor in single precision, for the triangular solves
// of a preconditioner: CHOLMOD's factor rounded (assign()), or fastilt's own
// factorisation in single precision on CHOLMOD's symbolic analysis
// (factorize(), about twice as fast as CHOLMOD's in double precision).
//
// LowRankSystem's conjugate gradients solve with Γ's factor twice a step, and
// each new factor is solved for the k columns of Z = M⁻¹Aᵀ.  On
// a large factor those solves stream it from memory (T1-T2-D, tau 32 x 32 x 16:
// 10.3 million entries, 16 ms of a 25 ms step, about 10 GB/s on the CI
// machine), so half the bytes is nearly half the time.  Rounding makes L the
// factor of a nearby SPD matrix Γ̃ = Pᵀ L̃ L̃ᵀ P; assign() rounds CHOLMOD's own
// copy as well, so that everything later built from the factor (LowRankSystem's
// Z = M⁻¹Aᵀ) is built from the same Γ̃, and the preconditioner stays the exact
// inverse of one SPD matrix, which is all CG needs (docs/performance.md: about
// the same counts of factorisations and CG steps; g moves by 1e-11 on a 64 x 64
// map, by 1.1e-7 on the ill-conditioned 128 x 128 one).  A factorisation in
// single precision is the exact factor of another nearby SPD matrix (its
// backward error a few times the rounding's), and gave the same counts again:
// where Γ's smallest eigenvalues are lost to single precision (Γ's condition
// number reaches 1e12 on a 64 x 64 map), W, which the preconditioner adds
// exactly, dominates.  The solves' arithmetic is in double precision, one
// supernode at a time, from a copy of the factor laid out for them: each
// supernode's columns four at a time in blocks of four rows, so that a solve
// reads the factor as one stream (single_factor.cpp; written by factorize()
// as each supernode is done, while it is in cache).
//
// Only compiled when meson finds CHOLMOD (FASTILT_HAVE_CHOLMOD).
#pragma once

#include <cholmod.h>

#include <cstdint>
#include <vector>

#include "subtree_split.hpp"

namespace fastilt {

class SingleFactor {
 public:
  // Rounds the values of L (supernodal, numerically factored) to single
  // precision in place and keeps a single-precision copy of them; false,
  // leaving L as it is, where a value does not fit (an overflow, or a pivot
  // that underflows to zero).
  bool assign(cholmod_factor& L);
  // Factors P A Pᵀ = L̃ L̃ᵀ in single precision on the structure of CHOLMOD's
  // symbolic analysis L (its supernodes, rows and permutation; CHOLMOD's
  // numeric factorisation is not run), one supernode at a time with LAPACK's
  // spotrf, strsm and ssyrk, each supernode's update added straight into the
  // supernodes it reaches; two groups of subtrees side by side on the free
  // cores, then the supernodes above them (subtree_split.hpp), the same
  // arithmetic whether one thread or two run them.  A: CSC with sorted rows
  // (`indptr`, `indices`, `values`), of which the lower triangle is read.  False where a pivot is
  // not positive or a value does not fit single precision; forward() and the
  // others then must not be called until assign() or factorize() succeeds.
  bool factorize(const cholmod_factor& L, const std::int64_t* indptr, const std::int64_t* indices,
                 const double* values);

  // b := M⁻¹ b (P, then L) and b := M⁻ᵀ b (Lᵀ, then Pᵀ) for CHOLMOD's
  // P A Pᵀ = L Lᵀ, A = M Mᵀ with M = Pᵀ L, from the copy of the last assign().
  void forward(double* b);
  void backward(double* b);
  // b := M⁻¹ b for the n x nrhs column-major block b, kBlockColumns columns
  // at a time, in single-precision arithmetic: the answer Z̃ solves M Z̃ = b
  // to single-precision rounding (M Z̃ = b̃, b̃ near b).  For the Z = M⁻¹Aᵀ of
  // LowRankSystem, whose preconditioner then inverts Γ̃ + ÃᵀÃ (Ãᵀ = M Z̃)
  // exactly: as good a preconditioner, from half the bytes and twice the
  // values a vector instruction (docs/performance.md).  Safe to call from
  // several threads at once, each with its own columns.
  void forward_columns(double* b, std::int64_t nrhs) const;
  static constexpr int kBlockColumns = 8;  // a row of the block in one AVX register
  // forward() and backward() go through two groups of subtrees side by side
  // on the free cores where the factor has at least this many entries (a
  // solve on one core then reads 16 MB and takes about a millisecond).  The
  // halves of a smaller one are too short for free_cores to judge, and beside
  // a busy process the T1-T2 maps at tau 64 x 64 and 128 x 128 took 8% and 5%
  // longer split (docs/performance.md).
  static constexpr double kSplitSolveEntries = 1 << 22;
  // The size from which they are split (tests split small factors); the next
  // assign() or factorize() lays the solves out anew.
  double split_solve_entries() const { return split_solve_entries_; }
  void split_solves_from(double entries) {
    split_solve_entries_ = entries;
    analysed_ = factor_ = nullptr;
  }

 private:
  const cholmod_factor* factor_ = nullptr;  // structure: L's supernodes, rows, permutation
  std::vector<float> values_;               // L in CHOLMOD's layout, where factorize() works
  // L as the solves read it: each supernode's columns four at a time, in
  // blocks of four rows (single_factor.cpp), from panel_start_[s], the
  // supernodes in solve_order_.
  std::vector<float> panels_;
  std::vector<std::int64_t> panel_start_;
  std::vector<double> x_, column_[2];  // the permuted right-hand side; one supernode's rows, each part's
  std::int64_t widest_ = 0;             // rows of the tallest supernode, up to whole blocks of four
  // The one-column solves' two groups of subtrees and top (by the entries
  // they read), whether each column is the top's, and group 1's forward sums
  // into the top's rows.
  double split_solve_entries_ = kSplitSolveEntries;
  SubtreeSplit solve_split_;
  std::vector<std::int64_t> solve_order_;  // its group 0, group 1, top: the panels' order
  std::vector<char> in_top_;
  std::vector<double> detour_;
  // Sets up the structure's panel_start_, supernode_of_, parent_, the solves'
  // split and the sizes of their buffers.
  void lay_out_panels(const cholmod_factor& L);
  // Set up by factorize() for the structure `analysed_`: each column's
  // supernode, where each entry of A goes in values_ (−1: upper triangle),
  // the two groups of subtrees and the top, and where group 1's updates of
  // the top supernodes are gathered (`top_updates_`, from `top_offset_[s]`)
  // until group 0's are in.
  const cholmod_factor* analysed_ = nullptr;
  std::vector<std::int64_t> supernode_of_, parent_, slot_;
  std::vector<std::int64_t> entries_of_group_[2];  // A's entries in each group's supernodes (the top's: 0)
  SubtreeSplit split_;
  std::vector<std::int64_t> top_offset_;
  std::vector<float> top_updates_;
  // Each group's room for one supernode's update (the rows below it,
  // squared) and where its rows sit among those of the supernode it updates.
  struct Scratch {
    std::vector<float> update;
    std::vector<std::int64_t> relative;
    std::vector<std::int64_t> run_end;  // where the run of consecutive target rows from p ends
  } scratch_[2];
  void prepare(const cholmod_factor& L, const std::int64_t* indptr, const std::int64_t* indices);
  // Factors the supernodes `order` (in increasing order), each one's update
  // subtracted from the supernodes it reaches, those of the top into
  // top_updates_ where `gather_top`; false where a pivot is not positive.
  // `on_free_cores`: large supernodes' dense steps shared out over the free
  // cores (shared_dense.hpp; the top, which nothing else runs beside).
  bool eliminate(const cholmod_factor& L, const std::vector<std::int64_t>& order, Scratch& scratch,
                 bool gather_top, bool on_free_cores);
};

}  // namespace fastilt
