#include "coordinator/group/offset_store.h"

namespace gregor::group {

void OffsetStore::put(const std::string& group_id, const TopicPartition& tp, CommittedOffset offset) {
  groups_[group_id][tp] = std::move(offset);
}

const CommittedOffset* OffsetStore::get(const std::string& group_id, const TopicPartition& tp) const {
  auto g = groups_.find(group_id);
  if (g == groups_.end()) return nullptr;
  auto it = g->second.find(tp);
  return it == g->second.end() ? nullptr : &it->second;
}

const OffsetStore::Offsets& OffsetStore::all(const std::string& group_id) const {
  static const Offsets kEmpty;
  auto g = groups_.find(group_id);
  return g == groups_.end() ? kEmpty : g->second;
}

bool OffsetStore::has_offsets(const std::string& group_id) const {
  auto g = groups_.find(group_id);
  return g != groups_.end() && !g->second.empty();
}

bool OffsetStore::erase(const std::string& group_id, const TopicPartition& tp) {
  auto g = groups_.find(group_id);
  if (g == groups_.end()) return false;
  bool removed = g->second.erase(tp) > 0;
  if (g->second.empty()) groups_.erase(g);
  return removed;
}

void OffsetStore::erase_group(const std::string& group_id) { groups_.erase(group_id); }

std::vector<TopicPartition> OffsetStore::remove_if(
    const std::string& group_id, const std::function<bool(const TopicPartition&, const CommittedOffset&)>& expired) {
  std::vector<TopicPartition> removed;
  auto g = groups_.find(group_id);
  if (g == groups_.end()) return removed;
  for (auto it = g->second.begin(); it != g->second.end();) {
    if (expired(it->first, it->second)) {
      removed.push_back(it->first);
      it = g->second.erase(it);
    } else {
      ++it;
    }
  }
  if (g->second.empty()) groups_.erase(g);
  return removed;
}

std::vector<std::string> OffsetStore::group_ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, _] : groups_) ids.push_back(id);
  return ids;
}

}  // namespace gregor::group
