// Two groups of whole subtrees of a supernodal elimination tree, of about the
// same work, for a factorisation on two cores (SingleFactor::factorize).
//
// A supernode is updated only by its descendants, so two disjoint groups of
// whole subtrees can be factored side by side; what lies above them (the top
// separators of a nested dissection) follows on one core, once both are done.
// Starting from the roots, the heaviest subtree is split into its root (moved
// to the top) and its children, as long as the estimated time, the top's work
// plus the heavier group's, keeps falling; the groups are filled heaviest
// subtree first into the lighter one.  By these estimates the top holds 15%
// of the work of Γ's factor at tau 64 x 64, 9% at 128 x 128 and 19% for
// T1-T2-D tau 32 x 32 x 16 (docs/performance.md).
#pragma once

#include <cstdint>
#include <vector>

namespace fastilt {

struct SubtreeSplit {
  static constexpr int kTop = 2;
  // Supernodes of each group and of the top, each in increasing order (a
  // supernode's parent has a larger number); group 1 is empty where splitting
  // does not pay (a chain), and everything is then in group 0.
  std::vector<std::int64_t> group[2], top;
  std::vector<int> owner;  // 0, 1 or kTop for each supernode
};

// parent[s]: the supernode of s's first row below its diagonal block (−1 for
// a root), work[s]: its own flops.
SubtreeSplit split_subtrees(const std::vector<std::int64_t>& parent, const std::vector<double>& work);

}  // namespace fastilt
