// Controller: the active controller's decisions on topics, partitions, configs and producer
// ids. Every change is validated against the current metadata Image and turned into metadata
// records, which are left pending: the caller (broker/controller_call.h) takes them with
// take_pending(), commits them through the KRaft quorum and, once they are applied, hands the
// new Image back with set_image(). A caller makes one decision at a time and waits for its
// records to be applied before the next, so every decision sees the ones before it. The
// multi-broker decisions (registration, heartbeats, fencing, elections, AlterPartition,
// placement) are pure functions in the other files of this module.
// Thread-safety: owned by one shard (shard 0); not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "metadata/broker_config.h"
#include "metadata/image.h"
#include "metadata/records.h"
#include "controller/broker_lifecycle.h"
#include "controller/alter_partition.h"
#include "controller/election.h"
#include "controller/heartbeat_manager.h"

namespace gregor::controller {

struct CreateTopicSpec {
  std::string name;
  int32_t num_partitions = -1;        // -1: num.partitions
  int16_t replication_factor = -1;    // -1: default.replication.factor
  std::vector<std::vector<int32_t>> assignments;  // explicit replica lists, or empty
  metadata::ConfigMap configs;
};

struct CreateTopicResult {
  int16_t error = 0;
  std::string message;
  proto::Uuid id;
  int32_t num_partitions = -1;
  int16_t replication_factor = -1;
};

inline constexpr int32_t kProducerIdBlockSize = 1000;  // as Kafka's controller hands them out
// The most metadata records one client request may produce (Kafka's MAX_RECORDS_PER_USER_OP).
inline constexpr size_t kMaxRecordsPerUserOp = 10000;

struct ProducerIdBlock {
  int64_t start = -1;
  int32_t length = 0;
};

// One config change: value nullopt deletes the override.
using ConfigChange = std::pair<std::string, std::optional<std::string>>;

class Controller {
 public:
  struct Options {
    int32_t node_id = -1;
    std::string cluster_id;
  };

  Controller(Options options, metadata::BrokerConfig config);
  ~Controller();

  // The image the decisions see (the quorum's latest applied state).
  void set_image(metadata::ImagePtr image);
  // The records decided since the last take (to commit, in order, atomically).
  std::vector<metadata::MetadataRecord> take_pending();
  // The records taken last could not be committed: forget what they reserved.
  void abandon_pending();

  metadata::ImagePtr image() const { return image_; }
  // The broker config with the dynamic values from the image applied.
  const metadata::BrokerConfig& config() const { return config_; }

  std::vector<CreateTopicResult> create_topics(const std::vector<CreateTopicSpec>& specs, bool validate_only);
  // Deletes a topic by name; UNKNOWN_TOPIC_OR_PARTITION if absent.
  Result<proto::Uuid> delete_topic(const std::string& name);
  // Grows a topic to `count` partitions (INVALID_PARTITIONS if not larger).
  Status create_partitions(const std::string& name, int32_t count, bool validate_only);
  // Applies config changes to a topic or broker resource (name "" = cluster default for brokers).
  // replace: legacy AlterConfigs semantics (every override not named is removed).
  Status alter_configs(metadata::ResourceType type, const std::string& name, const std::vector<ConfigChange>& changes,
                       bool replace, bool validate_only);

  // AllocateProducerIds: the next block of producer ids never handed out, reserved durably
  // (a ProducerIdsRecord) for broker_id. broker_epoch -1 skips the epoch check (this node's
  // own broker). Errors: BROKER_ID_NOT_REGISTERED, STALE_BROKER_EPOCH.
  Result<ProducerIdBlock> allocate_producer_ids(int32_t broker_id, int64_t broker_epoch);

  // Broker registration and heartbeats (BrokerRegistration, BrokerHeartbeat) and the fencing
  // of brokers whose session expired; the heartbeat sessions live here, rebuilt from the image
  // when this node becomes the active controller (rebuild_sessions).
  BrokerRegistrationReply register_broker(const BrokerRegistrationRequest& request, int64_t now_ms);
  // The broker running in this process (combined node): its registration replaces an older
  // incarnation at once, without waiting for that one's session to lapse.
  void set_local_broker(int32_t id, const proto::Uuid& incarnation) {
    local_broker_id_ = id;
    local_incarnation_ = incarnation;
  }
  BrokerHeartbeatReply heartbeat(const BrokerHeartbeatRequest& request, int64_t now_ms);
  // Fences one broker whose session expired, if any; its id.
  std::optional<int32_t> fence_stale_broker(int64_t now_ms);
  void rebuild_sessions(int64_t now_ms);
  // ElectLeaders (preferred or unclean) and the periodic preferred-leader rebalance.
  ElectLeadersResponse elect_leaders(const ElectLeadersRequest& request);
  // True when it decided elections (auto.leader.rebalance.enable, leader.imbalance.*).
  bool rebalance_leaders();
  // AlterPartition from a partition leader (controller/alter_partition.h).
  AlterPartitionResponse alter_partition(const AlterPartitionRequest& request);

 private:
  // Leaves records pending for the caller to commit.
  Status commit(const std::vector<metadata::MetadataRecord>& records);
  Result<metadata::ConfigMap> validate_topic_configs(const metadata::ConfigMap& configs) const;
  proto::Uuid new_topic_id() const;
  uint64_t placement_seed() const;  // random start and shift for replica placement
  void refresh_config();

  Options options_;
  metadata::BrokerConfig config_;
  std::vector<metadata::MetadataRecord> pending_;
  BrokerHeartbeatManager heartbeats_{9000};
  metadata::ImagePtr image_;
  int32_t local_broker_id_ = -1;
  proto::Uuid local_incarnation_;
};

}  // namespace gregor::controller
