// FetchCheck: validation of the current_leader_epoch a Fetch / OffsetForLeaderEpoch /
// ListOffsets request carries against this broker's view of a partition, as Kafka's
// Partition.checkCurrentLeaderEpoch, getLocalLog and followerReplicaOrThrow do:
//  - request epoch older than ours  -> FENCED_LEADER_EPOCH (74): the client is stale;
//  - request epoch newer than ours  -> UNKNOWN_LEADER_EPOCH (75): we are stale, client retries;
//  - epoch matches (or is absent, -1) but we are not the leader and the request must be served
//    by the leader -> NOT_LEADER_OR_FOLLOWER (6). Gregor has no fetch-from-follower, so every
//    Fetch requires the leader;
//  - a follower fetch from a replica id outside the assignment -> UNKNOWN_LEADER_EPOCH when the
//    request carries an epoch (the replica set may be ahead of us during a reassignment), else
//    NOT_LEADER_OR_FOLLOWER.
// The epoch checks come first, then leadership, then the replica id (Kafka's order).
// Promises: pure functions; no I/O.
// Thread-safety: callable from any thread.
#pragma once

#include <cstdint>

#include "base/result.h"

namespace gregor::replication {

inline constexpr int32_t kNoLeaderEpoch = -1;  // "current_leader_epoch absent" on the wire

// FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH / OK. request_epoch == -1 always passes.
Status check_current_leader_epoch(int32_t local_leader_epoch, int32_t request_epoch);

// The partition as this broker sees it, for the checks below.
struct LocalPartitionView {
  bool is_leader = false;           // this broker leads the partition and has its log
  int32_t leader_epoch = -1;        // this broker's current leader epoch for the partition
};

// Kafka's getLocalLog(currentLeaderEpoch, requireLeader = true): what a consumer Fetch,
// ListOffsets or OffsetForLeaderEpoch from a follower must pass.
Status check_leader_request(const LocalPartitionView& local, int32_t request_epoch);

// A Fetch from replica `replica_id` (>= 0). replica_assigned: the id is in the leader's
// current assignment (PartitionLeaderState::is_follower). Runs check_leader_request first.
Status check_follower_fetch(const LocalPartitionView& local, int32_t request_epoch, int32_t replica_id,
                            bool replica_assigned);

}  // namespace gregor::replication
