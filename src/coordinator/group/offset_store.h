// OffsetStore: committed offsets per group, the in-memory table that OffsetCommit writes,
// OffsetFetch reads and retention trims. It holds no rules about who may commit; GroupManager
// validates commits against the group first.
// Thread-safety: none; owned by the shard that owns the groups' __consumer_offsets partition.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gregor::group {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
  bool operator==(const TopicPartition&) const = default;
};

struct CommittedOffset {
  int64_t offset = -1;
  int32_t leader_epoch = -1;   // -1: unknown
  std::string metadata;
  int64_t commit_timestamp_ms = -1;
  std::optional<int64_t> expire_timestamp_ms;  // only from OffsetCommit v1-v4 retention_time
  bool operator==(const CommittedOffset&) const = default;
};

class OffsetStore {
 public:
  using Offsets = std::map<TopicPartition, CommittedOffset>;

  void put(const std::string& group_id, const TopicPartition& tp, CommittedOffset offset);
  // nullptr if the group has no committed offset for tp.
  const CommittedOffset* get(const std::string& group_id, const TopicPartition& tp) const;
  // All of the group's offsets, ordered by topic then partition (empty if none).
  const Offsets& all(const std::string& group_id) const;
  bool has_offsets(const std::string& group_id) const;
  // Returns whether an offset was removed.
  bool erase(const std::string& group_id, const TopicPartition& tp);
  void erase_group(const std::string& group_id);
  // Removes every offset of the group for which `expired` holds; returns the removed keys.
  std::vector<TopicPartition> remove_if(const std::string& group_id,
                                        const std::function<bool(const TopicPartition&, const CommittedOffset&)>& expired);
  std::vector<std::string> group_ids() const;

 private:
  std::map<std::string, Offsets> groups_;
};

}  // namespace gregor::group
