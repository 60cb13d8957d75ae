#include "subtree_split.hpp"

#include <algorithm>
#include <numeric>

namespace fastilt {
namespace {

// Splits of the heaviest subtree tried after the best split so far: a chain
// of separator supernodes lowers the estimate only once it branches.
constexpr int kSplitsPastBest = 64;

}  // namespace

SubtreeSplit split_subtrees(const std::vector<std::int64_t>& parent, const std::vector<double>& work) {
  const std::int64_t count = static_cast<std::int64_t>(parent.size());
  std::vector<double> subtree(work);
  std::vector<std::vector<std::int64_t>> children(count);
  std::vector<std::int64_t> candidates;  // roots of whole subtrees, not yet in a group
  for (std::int64_t s = 0; s < count; ++s) {  // children come before their parent
    if (parent[s] < 0) {
      candidates.push_back(s);
      continue;
    }
    subtree[parent[s]] += subtree[s];
    children[parent[s]].push_back(s);
  }
  const auto heavier = [&](std::int64_t a, std::int64_t b) {
    return subtree[a] != subtree[b] ? subtree[a] > subtree[b] : a < b;
  };
  std::vector<std::int64_t> top, best_top, best_candidates;
  std::vector<int> side, best_side;
  double top_work = 0.0, best = std::accumulate(work.begin(), work.end(), 0.0);  // all on one core
  for (int past_best = 0; past_best < kSplitsPastBest; ++past_best) {
    std::sort(candidates.begin(), candidates.end(), heavier);
    double load[2] = {0.0, 0.0};
    side.assign(candidates.size(), 0);
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      side[i] = load[1] < load[0] ? 1 : 0;
      load[side[i]] += subtree[candidates[i]];
    }
    const double time = top_work + std::max(load[0], load[1]);
    if (candidates.size() >= 2 && time < best) {  // both groups non-empty
      best = time;
      best_top = top;
      best_candidates = candidates;
      best_side = side;
      past_best = 0;
    }
    const std::int64_t heaviest = candidates.front();
    if (children[heaviest].empty() || top_work + work[heaviest] >= best) break;
    top.push_back(heaviest);
    top_work += work[heaviest];
    candidates.erase(candidates.begin());
    candidates.insert(candidates.end(), children[heaviest].begin(), children[heaviest].end());
  }

  SubtreeSplit split;
  split.owner.assign(count, 0);
  if (!best_candidates.empty()) {
    for (const std::int64_t s : best_top) split.owner[s] = SubtreeSplit::kTop;
    std::vector<int> candidate_side(count, -1);
    for (std::size_t i = 0; i < best_candidates.size(); ++i) candidate_side[best_candidates[i]] = best_side[i];
    // From the roots down: a supernode outside the top belongs where its
    // subtree's root was put.
    for (std::int64_t s = count - 1; s >= 0; --s)
      if (split.owner[s] != SubtreeSplit::kTop)
        split.owner[s] = candidate_side[s] >= 0 ? candidate_side[s] : split.owner[parent[s]];
  }
  for (std::int64_t s = 0; s < count; ++s)
    (split.owner[s] == SubtreeSplit::kTop ? split.top : split.group[split.owner[s]]).push_back(s);
  return split;
}

}  // namespace fastilt
