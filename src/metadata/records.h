// Metadata records: the entries of the `__cluster_metadata` log that the controller writes and
// every node replays into its Image. Each record value is framed as Kafka frames metadata
// records: frame version (uvarint, 1), record type (uvarint), record version (uvarint), then the
// record's fields in the flexible encoding. Record type numbers follow Kafka's
// (RegisterBroker 0, Topic 2, Partition 3, Config 4, RemoveTopic 9, ProducerIds 15).
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

struct TopicRecord {
  std::string name;
  proto::Uuid topic_id;
  bool operator==(const TopicRecord&) const = default;
};
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

using MetadataRecord = std::variant<TopicRecord, PartitionRecord, ConfigRecord, RemoveTopicRecord, ProducerIdsRecord>;

Bytes encode_record(const MetadataRecord& record);
// CORRUPT_MESSAGE when the bytes are not a record this version knows.
Result<MetadataRecord> decode_record(ByteView bytes);

// Applies one record to an image being built (version not bumped here).
void apply_record(Image& image, const MetadataRecord& record);

}  // namespace gregor::metadata
