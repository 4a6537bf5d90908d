// Image: the node's in-memory view of cluster metadata (brokers, topics, partitions with
// leader/replicas/ISR/epochs, topic and broker config overrides), built by replaying metadata
// records. Images are immutable once published: a change makes a new Image with a higher
// version, and shards swap their shared_ptr<const Image> to it.
// Brokers: an entry exists once a RegisterBrokerRecord was replayed (epoch >= 0), or when the
// single-node controller seeds its own entry by hand (epoch -1, unfenced); either way a broker
// may lead and be placed on only while active() (unfenced, not in controlled shutdown).
// Thread-safety: a published Image is read-only and may be read from any shard.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metadata/config_def.h"
#include "protocol/uuid.h"

namespace gregor::metadata {

// Kafka's LeaderRecoveryState: RECOVERING after an unclean election until the new leader has
// completed recovery (it reports RECOVERED through AlterPartition).
enum class LeaderRecoveryState : int8_t { kRecovered = 0, kRecovering = 1 };

struct PartitionInfo {
  int32_t leader = -1;  // -1: no leader (offline)
  std::vector<int32_t> replicas;  // preferred order: replicas[0] is the preferred leader
  std::vector<int32_t> isr;
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0;
  std::vector<int32_t> removing_replicas;  // reassignment in progress (not used by decisions yet)
  std::vector<int32_t> adding_replicas;
  LeaderRecoveryState leader_recovery_state = LeaderRecoveryState::kRecovered;
};

struct TopicInfo {
  std::string name;
  proto::Uuid id;
  std::vector<PartitionInfo> partitions;
  ConfigMap configs;  // topic-level overrides
  bool internal = false;
};

// One listener a broker registered (RegisterBrokerRecord endpoint).
struct Endpoint {
  std::string name;  // listener name, e.g. PLAINTEXT
  std::string host;
  int32_t port = 0;  // uint16 on the wire
  int16_t security_protocol = 0;  // Kafka's SecurityProtocol id: 0 PLAINTEXT, 1 SSL, 2 SASL_PLAINTEXT, 3 SASL_SSL
  bool operator==(const Endpoint&) const = default;
};

struct BrokerInfo {
  int32_t id = -1;
  std::string host;  // the first endpoint's host and port (the seed's advertised listener)
  int32_t port = 0;
  std::optional<std::string> rack;
  // Registration state (RegisterBrokerRecord and later fencing changes).
  int64_t epoch = -1;  // broker epoch; -1 = not registered through the log (hand-seeded)
  proto::Uuid incarnation_id;
  std::vector<Endpoint> endpoints;
  bool fenced = false;  // a registered broker starts fenced; the hand-seeded entry is not
  bool in_controlled_shutdown = false;
  int64_t registration_offset = -1;  // metadata log offset of its RegisterBrokerRecord, -1 unknown

  bool registered() const { return epoch >= 0; }
  // May lead partitions, join ISRs and be placed on.
  bool active() const { return !fenced && !in_controlled_shutdown; }
  const Endpoint* endpoint(std::string_view listener) const {
    for (const auto& e : endpoints)
      if (e.name == listener) return &e;
    return nullptr;
  }
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
  int64_t max_broker_epoch = -1;  // the highest broker epoch ever registered (epochs only grow)

  const TopicInfo* find_topic(const std::string& name) const {
    auto it = topics.find(name);
    return it == topics.end() ? nullptr : &it->second;
  }
  const TopicInfo* find_topic(const proto::Uuid& id) const {
    auto it = topic_names.find(id);
    return it == topic_names.end() ? nullptr : find_topic(it->second);
  }
  const BrokerInfo* find_broker(int32_t id) const {
    auto it = brokers.find(id);
    return it == brokers.end() ? nullptr : &it->second;
  }
  // True when broker `id` is known and active (unfenced, not in controlled shutdown).
  bool is_active_broker(int32_t id) const {
    const BrokerInfo* b = find_broker(id);
    return b && b->active();
  }
};

using ImagePtr = std::shared_ptr<const Image>;

// Internal topics Kafka hides from Metadata unless asked for by name.
inline bool is_internal_topic(const std::string& name) {
  return name == "__consumer_offsets" || name == "__transaction_state" || name == "__share_group_state";
}

}  // namespace gregor::metadata
