// Consumer protocol subscription: the metadata bytes a Kafka consumer puts in JoinGroup for the
// "consumer" protocol type (Kafka's ConsumerProtocolSubscription, versions 0-3):
//   version int16
//   topics [string]                         (int32 count; int16 length + UTF-8 each)
//   user_data nullable bytes                (int32 length, -1 = null)
//   owned_partitions [topic string, partitions [int32]]   v1+
//   generation_id int32                     v2+ (default -1)
//   rack_id nullable string                 v3+ (int16 length, -1 = null)
// A version above 3 is read with the v3 layout and trailing bytes ignored, as Kafka's consumer
// protocol reads newer versions. The coordinator only needs `topics` (OffsetDelete, expiry).
// Thread-safety: plain value types and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace gregor::group {

struct OwnedPartitions {
  std::string topic;
  std::vector<int32_t> partitions;
  bool operator==(const OwnedPartitions&) const = default;
};

struct Subscription {
  int16_t version = 0;
  std::vector<std::string> topics;
  std::optional<Bytes> user_data;
  std::vector<OwnedPartitions> owned_partitions;
  int32_t generation_id = -1;
  std::optional<std::string> rack_id;
  bool operator==(const Subscription&) const = default;
};

// Fails with INCONSISTENT_GROUP_PROTOCOL (-> error code 23) on a negative version or
// truncated/overlong fields.
Result<Subscription> parse_subscription(ByteView bytes);

// Encodes `s` at s.version (0-3), writing only the fields that version has.
Bytes encode_subscription(const Subscription& s);

}  // namespace gregor::group
