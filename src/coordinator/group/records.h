// The records a group coordinator writes to __consumer_offsets, in Kafka's formats, so a log
// written here reads in Kafka's tools and the reverse:
//   key v0/v1: OffsetCommitKey {group, topic, partition}; value OffsetCommitValue v0-v4
//   key v2:    GroupMetadataKey {group};                  value GroupMetadataValue v0-v4
// A null value is a tombstone (the offset or the group is gone); compaction keeps the newest
// value per key. We write OffsetCommitValue v3 (v1 when the commit carries an explicit expire
// timestamp) and GroupMetadataValue v3, as Kafka 4.x does.
// Decoders check every length and return an error for anything malformed or unknown; the
// loader skips keys of record types it does not own (KIP-848 groups, share groups).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "coordinator/group/offset_store.h"

namespace gregor::group {

struct OffsetKey {
  std::string group_id;
  TopicPartition tp;
  bool operator==(const OffsetKey&) const = default;
};

struct GroupKey {
  std::string group_id;
  bool operator==(const GroupKey&) const = default;
};

// A key version this coordinator does not handle (kept so the loader can skip it by version).
struct OtherKey {
  int16_t version = 0;
  bool operator==(const OtherKey&) const = default;
};

using RecordKey = std::variant<OffsetKey, GroupKey, OtherKey>;

struct MemberMetadata {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t rebalance_timeout_ms = 0;
  int32_t session_timeout_ms = 0;
  Bytes subscription;  // the member's metadata for the selected protocol
  Bytes assignment;
  bool operator==(const MemberMetadata&) const = default;
};

struct GroupMetadata {
  std::string protocol_type;
  int32_t generation_id = 0;
  std::optional<std::string> protocol_name;
  std::optional<std::string> leader;
  int64_t current_state_timestamp_ms = -1;
  std::vector<MemberMetadata> members;
  bool operator==(const GroupMetadata&) const = default;
};

Bytes encode_offset_key(const std::string& group_id, const TopicPartition& tp);
Bytes encode_group_key(const std::string& group_id);
Bytes encode_offset_value(const CommittedOffset& offset);
Bytes encode_group_value(const GroupMetadata& group);

Result<RecordKey> decode_key(ByteView key);
Result<CommittedOffset> decode_offset_value(ByteView value);
Result<GroupMetadata> decode_group_value(ByteView value);

// The __consumer_offsets partition that coordinates group_id: Kafka's
// abs(groupId.hashCode()) % partitions, with Java's String.hashCode over UTF-16 code units.
int32_t partition_for_group(const std::string& group_id, int32_t partitions);

}  // namespace gregor::group
