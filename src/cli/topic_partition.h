// TopicPartitionKey: a (topic, partition) pair ordered by topic, then partition, the key of
// the per-partition maps the group commands build. Plain value type.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>

namespace gregor::cli {

struct TopicPartitionKey {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartitionKey&) const = default;
};

// Offsets per partition (committed offsets, new offsets, offsets found by time).
using OffsetMap = std::map<TopicPartitionKey, int64_t>;

}  // namespace gregor::cli
