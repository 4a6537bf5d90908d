// Metadata records: the entries of the `__cluster_metadata` log that the controller writes and
// every node replays into its Image. Each record value is framed as Kafka frames metadata
// records: frame version (uvarint, 1), record type (uvarint), record version (uvarint), then the
// record's fields in that version's encoding (flexible: compact strings/arrays and a tagged-field
// section; UnregisterBroker, FenceBroker and UnfenceBroker are not flexible in Kafka).
// Record type numbers and layouts follow Kafka's metadata records:
//   RegisterBroker 0 (written as v3), UnregisterBroker 1, Topic 2, Partition 3, Config 4,
//   PartitionChange 5, FenceBroker 7, UnfenceBroker 8, RemoveTopic 9, ProducerIds 15,
//   BrokerRegistrationChange 17 (written as v1).
// Decoding accepts every version Kafka 4.x defines for the broker and partition-change records
// and skips tagged fields it does not know (directories, eligible leader replicas).
// Thread-safety: plain value types and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "metadata/image.h"

namespace gregor::metadata {

// Kafka's ConfigResource types.
enum class ResourceType : int8_t { kUnknown = 0, kTopic = 2, kBroker = 4, kBrokerLogger = 8 };

// PartitionChangeRecord.leader values that are not broker ids.
inline constexpr int32_t kNoLeader = -1;
inline constexpr int32_t kNoLeaderChange = -2;

struct TopicRecord {
  std::string name;
  proto::Uuid topic_id;
  bool operator==(const TopicRecord&) const = default;
};
// Gregor's PartitionRecord v0 layout predates Kafka's RemovingReplicas/AddingReplicas fields
// (kept so existing metadata logs replay); the partition-change record carries them.
struct PartitionRecord {
  int32_t partition_id = 0;
  proto::Uuid topic_id;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
  int32_t leader = -1;
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0;
  bool operator==(const PartitionRecord&) const = default;
};
struct ConfigRecord {
  ResourceType resource_type = ResourceType::kTopic;
  std::string resource_name;  // topic name, broker id, or "" for the cluster default
  std::string name;
  std::optional<std::string> value;  // nullopt deletes the override
  bool operator==(const ConfigRecord&) const = default;
};
struct RemoveTopicRecord {
  proto::Uuid topic_id;
  bool operator==(const RemoveTopicRecord&) const = default;
};

// The producer-id block handed out: ids below next_producer_id are taken.
struct ProducerIdsRecord {
  int32_t broker_id = -1;
  int64_t next_producer_id = 0;
  bool operator==(const ProducerIdsRecord&) const = default;
};

struct BrokerFeature {
  std::string name;
  int16_t min_supported_version = 0;
  int16_t max_supported_version = 0;
  bool operator==(const BrokerFeature&) const = default;
};

// A broker (re)registration; replaces any previous registration of the id.
struct RegisterBrokerRecord {
  int32_t broker_id = -1;
  bool is_migrating_zk_broker = false;
  proto::Uuid incarnation_id;
  int64_t broker_epoch = -1;
  std::vector<Endpoint> endpoints;
  std::vector<BrokerFeature> features;
  std::optional<std::string> rack;
  bool fenced = true;
  bool in_controlled_shutdown = false;
  std::vector<proto::Uuid> log_dirs;  // tagged (v3)
  bool operator==(const RegisterBrokerRecord&) const = default;
};

struct UnregisterBrokerRecord {
  int32_t broker_id = -1;
  int64_t broker_epoch = -1;
  bool operator==(const UnregisterBrokerRecord&) const = default;
};

// The legacy fencing records (Kafka writes BrokerRegistrationChangeRecord since 3.3; both replay).
struct FenceBrokerRecord {
  int32_t id = -1;
  int64_t epoch = -1;
  bool operator==(const FenceBrokerRecord&) const = default;
};
struct UnfenceBrokerRecord {
  int32_t id = -1;
  int64_t epoch = -1;
  bool operator==(const UnfenceBrokerRecord&) const = default;
};

// BrokerRegistrationChangeRecord.fenced values.
enum class FencingChange : int8_t { kUnfence = -1, kNone = 0, kFence = 1 };

struct BrokerRegistrationChangeRecord {
  int32_t broker_id = -1;
  int64_t broker_epoch = -1;
  FencingChange fenced = FencingChange::kNone;  // tagged
  bool in_controlled_shutdown = false;          // tagged (v1); true = entered controlled shutdown
  bool operator==(const BrokerRegistrationChangeRecord&) const = default;
};

// A change to one partition; absent fields did not change. Replaying it always bumps the
// partition epoch; a leader field other than kNoLeaderChange also bumps the leader epoch (even
// when it names the current leader).
struct PartitionChangeRecord {
  int32_t partition_id = -1;
  proto::Uuid topic_id;
  std::optional<std::vector<int32_t>> isr;                // tag 0
  int32_t leader = kNoLeaderChange;                        // tag 1
  std::optional<std::vector<int32_t>> replicas;           // tag 2
  std::optional<std::vector<int32_t>> removing_replicas;  // tag 3
  std::optional<std::vector<int32_t>> adding_replicas;    // tag 4
  int8_t leader_recovery_state = -1;                       // tag 5; -1 = unchanged
  bool operator==(const PartitionChangeRecord&) const = default;
};

using MetadataRecord =
    std::variant<TopicRecord, PartitionRecord, ConfigRecord, RemoveTopicRecord, ProducerIdsRecord, RegisterBrokerRecord,
                 UnregisterBrokerRecord, FenceBrokerRecord, UnfenceBrokerRecord, BrokerRegistrationChangeRecord,
                 PartitionChangeRecord>;

Bytes encode_record(const MetadataRecord& record);
// CORRUPT_MESSAGE when the bytes are not a record this version knows.
Result<MetadataRecord> decode_record(ByteView bytes);

// Applies one record to an image being built (version not bumped here). `offset` is the
// record's metadata-log offset when known (kept as a broker's registration_offset), else -1.
// Records naming unknown topics, partitions or brokers, or a stale broker epoch, are ignored.
void apply_record(Image& image, const MetadataRecord& record, int64_t offset = -1);

// Replays a partition change onto one partition (Kafka's PartitionRegistration.merge).
void merge_partition_change(PartitionInfo& partition, const PartitionChangeRecord& change);

}  // namespace gregor::metadata
