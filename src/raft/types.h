// Basic value types of the KRaft core: error codes, offsets with epochs, snapshot ids, log
// batches and node roles. Everything here is a plain value type; safe to copy between threads.
// Offsets are exclusive ends where named *end_offset* (Kafka's convention): a log whose last
// batch ends at offset 9 has end_offset 10.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace gregor::raft {

inline constexpr int32_t kNoNode = -1;

// Kafka error codes used by the Raft APIs (values match model/error_code.h; raft links only
// gregor_base, so the few it needs are restated here).
namespace errc {
inline constexpr int16_t kNone = 0;
inline constexpr int16_t kUnknownServerError = -1;
inline constexpr int16_t kNotLeaderOrFollower = 6;
inline constexpr int16_t kBrokerNotAvailable = 8;
inline constexpr int16_t kInvalidRequest = 42;
inline constexpr int16_t kKafkaStorageError = 56;
inline constexpr int16_t kFencedLeaderEpoch = 74;
inline constexpr int16_t kUnknownLeaderEpoch = 75;
inline constexpr int16_t kInconsistentVoterSet = 94;
inline constexpr int16_t kSnapshotNotFound = 98;
inline constexpr int16_t kPositionOutOfRange = 99;
inline constexpr int16_t kInconsistentClusterId = 104;
}  // namespace errc

// An offset and the epoch of the batch ending there (Kafka's OffsetAndEpoch). Ordered by
// epoch first, then offset: the "log is at least as up to date" comparison of elections.
struct OffsetAndEpoch {
  int64_t offset = -1;
  int32_t epoch = -1;
  bool operator==(const OffsetAndEpoch&) const = default;
};
inline bool at_least_as_up_to_date(const OffsetAndEpoch& a, const OffsetAndEpoch& b) {
  return a.epoch != b.epoch ? a.epoch > b.epoch : a.offset >= b.offset;
}

// A snapshot holds the state after applying every batch below end_offset; epoch is the epoch
// of the last batch it covers.
struct SnapshotId {
  int64_t end_offset = 0;
  int32_t epoch = 0;
  bool operator==(const SnapshotId&) const = default;
};

// One batch of the replicated log: offsets [base_offset, last_offset], all written by the
// leader of `epoch`. data is opaque to the core (the memory log packs records with
// record_codec.h; the real adapter stores a Kafka record batch). control marks the leader's
// LeaderChange batch, written first in every epoch.
struct LogBatch {
  int64_t base_offset = 0;
  int64_t last_offset = -1;
  int32_t epoch = 0;
  bool control = false;
  Bytes data;
  int64_t record_count() const { return last_offset - base_offset + 1; }
  bool operator==(const LogBatch&) const = default;
};

enum class Role { Unattached, Follower, Prospective, Candidate, Leader, Resigned, Observer };

inline const char* role_name(Role r) {
  switch (r) {
    case Role::Unattached: return "Unattached";
    case Role::Follower: return "Follower";
    case Role::Prospective: return "Prospective";
    case Role::Candidate: return "Candidate";
    case Role::Leader: return "Leader";
    case Role::Resigned: return "Resigned";
    case Role::Observer: return "Observer";
  }
  return "?";
}

}  // namespace gregor::raft
