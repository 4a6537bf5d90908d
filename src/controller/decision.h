// What every controller decision returns, and the small lookups they share.
// A decision is a function of the current metadata Image (plus the request, the controller's
// effective config and, where Kafka needs it, the time): it changes nothing itself but returns
// the metadata records to commit and the answer to give once they are committed. Records of one
// result must be committed together (atomically) and in order; a caller that takes several
// decisions in a row applies the records of one to its Image before taking the next.
// Thread-safety: plain value types and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "metadata/broker_config.h"
#include "metadata/image.h"
#include "metadata/records.h"

namespace gregor::controller {

template <class T>
struct ControllerResult {
  std::vector<metadata::MetadataRecord> records;  // to commit, in order, atomically
  T response;
};

// A topic partition named by topic id.
struct TopicIdPartition {
  proto::Uuid topic_id;
  int32_t partition = -1;
  bool operator==(const TopicIdPartition&) const = default;
};

// unclean.leader.election.enable for the topic: its override, else the controller's dynamic
// per-broker value, the dynamic cluster default, the static value, the default (false).
inline bool unclean_election_enabled(const metadata::BrokerConfig& config, const metadata::TopicInfo& topic) {
  auto v = config.resolve_topic("unclean.leader.election.enable", topic.configs).value;
  return v && metadata::parse_bool(*v);
}

// True when broker `id` leads at least one partition in the image.
inline bool leads_any_partition(const metadata::Image& image, int32_t id) {
  for (const auto& [name, t] : image.topics)
    for (const auto& p : t.partitions)
      if (p.leader == id) return true;
  return false;
}

inline bool contains(const std::vector<int32_t>& v, int32_t x) {
  for (int32_t y : v)
    if (y == x) return true;
  return false;
}

}  // namespace gregor::controller
