#include "coordinator/group/txn_offsets.h"

namespace gregor::group {

void PendingTxnOffsets::put(int64_t producer_id, const std::string& group_id, const TopicPartition& tp,
                            CommittedOffset offset) {
  Key key{group_id, tp};
  auto [it, inserted] = by_producer_[producer_id].insert_or_assign(key, std::move(offset));
  (void)it;
  if (inserted) ++open_[key];
}

void PendingTxnOffsets::erase(int64_t producer_id, const std::string& group_id, const TopicPartition& tp) {
  auto p = by_producer_.find(producer_id);
  if (p == by_producer_.end()) return;
  Key key{group_id, tp};
  if (p->second.erase(key) && --open_[key] == 0) open_.erase(key);
  if (p->second.empty()) by_producer_.erase(p);
}

std::vector<PendingTxnOffsets::Pending> PendingTxnOffsets::take(int64_t producer_id) {
  std::vector<Pending> out;
  auto p = by_producer_.find(producer_id);
  if (p == by_producer_.end()) return out;
  for (auto& [key, offset] : p->second) {
    out.push_back(Pending{key.first, key.second, std::move(offset)});
    if (--open_[key] == 0) open_.erase(key);
  }
  by_producer_.erase(p);
  return out;
}

bool PendingTxnOffsets::pending(const std::string& group_id, const TopicPartition& tp) const {
  return open_.count(Key{group_id, tp}) > 0;
}

void PendingTxnOffsets::erase_all(const std::string& group_id, const TopicPartition& tp) {
  std::vector<int64_t> pids;
  for (const auto& [pid, offsets] : by_producer_)
    if (offsets.count(Key{group_id, tp})) pids.push_back(pid);
  for (int64_t pid : pids) erase(pid, group_id, tp);
}

void PendingTxnOffsets::erase_group(const std::string& group_id) {
  std::vector<std::pair<int64_t, TopicPartition>> victims;
  for (const auto& [pid, offsets] : by_producer_)
    for (const auto& [key, offset] : offsets)
      if (key.first == group_id) victims.emplace_back(pid, key.second);
  for (const auto& [pid, tp] : victims) erase(pid, group_id, tp);
}

}  // namespace gregor::group
