// Image: the node's in-memory view of cluster metadata (brokers, topics, partitions with
// leader/replicas/ISR/epochs, topic and broker config overrides), built by replaying metadata
// records. Images are immutable once published: a change makes a new Image with a higher
// version, and shards swap their shared_ptr<const Image> to it.
// Thread-safety: a published Image is read-only and may be read from any shard.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "metadata/config_def.h"
#include "protocol/uuid.h"

namespace gregor::metadata {

struct PartitionInfo {
  int32_t leader = -1;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0;
};

struct TopicInfo {
  std::string name;
  proto::Uuid id;
  std::vector<PartitionInfo> partitions;
  ConfigMap configs;  // topic-level overrides
  bool internal = false;
};

struct BrokerInfo {
  int32_t id = -1;
  std::string host;
  int32_t port = 0;
  std::optional<std::string> rack;
};

struct UuidLess {
  bool operator()(const proto::Uuid& a, const proto::Uuid& b) const { return a.bytes < b.bytes; }
};

struct Image {
  uint64_t version = 0;
  std::string cluster_id;
  int32_t controller_id = -1;
  std::map<int32_t, BrokerInfo> brokers;
  std::map<std::string, TopicInfo> topics;
  std::map<proto::Uuid, std::string, UuidLess> topic_names;  // id -> name
  // Dynamic broker configs by resource name: a broker id, or "" for the cluster-wide default.
  std::map<std::string, ConfigMap> broker_configs;
  int64_t next_producer_id = 0;  // producer ids below this were handed out

  const TopicInfo* find_topic(const std::string& name) const {
    auto it = topics.find(name);
    return it == topics.end() ? nullptr : &it->second;
  }
  const TopicInfo* find_topic(const proto::Uuid& id) const {
    auto it = topic_names.find(id);
    return it == topic_names.end() ? nullptr : find_topic(it->second);
  }
};

using ImagePtr = std::shared_ptr<const Image>;

// Internal topics Kafka hides from Metadata unless asked for by name.
inline bool is_internal_topic(const std::string& name) {
  return name == "__consumer_offsets" || name == "__transaction_state" || name == "__share_group_state";
}

}  // namespace gregor::metadata
