// Divergence: the leader's side of log reconciliation (KIP-101, KIP-279, KIP-320, KIP-595).
//  - offset_for_leader_epoch: the OffsetForLeaderEpoch answer for one partition (Kafka's
//    Partition.lastOffsetForLeaderEpoch): epoch checks, then end_offset_for over the leader's
//    epoch history; an undefined answer is {NONE, -1, -1}, not an error.
//  - check_fetch_divergence: Fetch v12+ with last_fetched_epoch (Kafka's Partition.readRecords):
//    the follower's log diverges when the leader's end offset for last_fetched_epoch is below
//    fetch_offset or the largest leader epoch <= last_fetched_epoch is smaller than it; the
//    response then carries DivergingEpoch{epoch, end_offset} and no records, and the leader
//    must not update that follower's fetch state.
// Promises: pure functions of their arguments; no I/O, no clocks.
// Thread-safety: callable from any thread.
// REQUIRES: view.epochs well formed (see epoch_end_offset.h); log_start <= log_end.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "base/result.h"
#include "replication/epoch_end_offset.h"
#include "replication/fetch_check.h"

namespace gregor::replication {

// The leader's partition as the checks need it.
struct LeaderLogView {
  LocalPartitionView partition;          // leadership and current leader epoch
  std::span<const EpochEntry> epochs;    // the leader-epoch-checkpoint content
  int64_t log_start_offset = 0;
  int64_t log_end_offset = 0;
};

// FetchResponse's DivergingEpoch field (EpochEndOffset in the schema).
struct DivergingEpoch {
  int32_t epoch = kUndefinedEpoch;
  int64_t end_offset = kUndefinedEpochOffset;
  bool operator==(const DivergingEpoch&) const = default;
};

// One partition of an OffsetForLeaderEpoch response.
struct OffsetForLeaderEpochAnswer {
  int16_t error_code = 0;
  int32_t leader_epoch = kUndefinedEpoch;
  int64_t end_offset = kUndefinedEpochOffset;
  bool operator==(const OffsetForLeaderEpochAnswer&) const = default;
};

// current_leader_epoch: the request's CurrentLeaderEpoch (-1 absent). require_leader: true for
// requests from followers and consumers (Gregor serves OffsetForLeaderEpoch only on the leader).
// Errors (in error_code): FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, NOT_LEADER_OR_FOLLOWER.
OffsetForLeaderEpochAnswer offset_for_leader_epoch(const LeaderLogView& view, int32_t current_leader_epoch,
                                                   int32_t requested_epoch, bool require_leader = true);

// For a follower Fetch: nullopt when the follower may read from fetch_offset (also when
// last_fetched_epoch is -1, i.e. absent or a pre-v12 request); a DivergingEpoch when it must
// truncate first. Errors: FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH (current_leader_epoch
// check); OFFSET_OUT_OF_RANGE when the end offset of last_fetched_epoch cannot be determined
// (the epoch is newer than any the leader knows, or the leader has no epochs) or fetch_offset
// is below the leader's log start offset (regardless of divergence, as Kafka does).
// Leadership and fetch_offset > LEO are checked by the caller (check_follower_fetch, Log::read).
Result<std::optional<DivergingEpoch>> check_fetch_divergence(const LeaderLogView& view,
                                                             int32_t current_leader_epoch, int64_t fetch_offset,
                                                             int32_t last_fetched_epoch);

}  // namespace gregor::replication
