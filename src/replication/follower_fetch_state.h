// FollowerFetchState: what a partition leader knows about one follower replica, from that
// follower's fetches (Kafka's Replica / ReplicaState): its log end offset (the fetch offset),
// when it last fetched, the leader's LEO at that fetch, and last_caught_up_time_ms — the
// largest time t at which the follower's fetch offset had reached the leader's LEO at t.
// Promises:
//  - update() follows Replica.updateFetchStateOrThrow: caught up as of now when
//    fetch_offset >= the leader LEO at this fetch; else caught up as of the previous fetch
//    when fetch_offset >= the leader LEO recorded at the previous fetch; last_caught_up_time_ms
//    and last_fetch_leader_leo never decrease.
//  - is_caught_up() follows ReplicaState.isCaughtUp: LEO == leader LEO, or caught up within
//    replica.lag.time.max.ms.
// Thread-safety: owner shard only; not thread-safe.
// REQUIRES: nothing beyond the per-method notes.
#pragma once

#include <cstdint>

namespace gregor::replication {

inline constexpr int64_t kUnknownOffset = -1;  // Kafka's UnifiedLog.UnknownOffset

class FollowerFetchState {
 public:
  FollowerFetchState() = default;  // Kafka's ReplicaState.Empty: LEO unknown, never caught up

  // A follower Fetch at fetch_offset received at now_ms while the leader's LEO (before the
  // read) was leader_leo. broker_epoch: the Fetch's ReplicaEpoch (-1 unknown).
  void update(int64_t fetch_offset, int64_t leader_leo, int64_t now_ms, int64_t broker_epoch = -1);

  // On becoming leader (new_leader) or a new leader epoch while already leader
  // (Replica.resetReplicaState): in-sync followers count as caught up as of now, others are
  // reset to 0 so they do not hold back the high watermark. A new leader forgets the follower's
  // LEO; a re-elected one keeps it and records leader_leo (the epoch start offset).
  void reset(int64_t now_ms, int64_t leader_leo, bool new_leader, bool in_sync);

  bool is_caught_up(int64_t leader_leo, int64_t now_ms, int64_t replica_lag_time_max_ms) const {
    return leader_leo == log_end_offset_ || now_ms - last_caught_up_time_ms_ <= replica_lag_time_max_ms;
  }

  int64_t log_end_offset() const { return log_end_offset_; }          // -1 until the first fetch
  int64_t last_fetch_time_ms() const { return last_fetch_time_ms_; }
  int64_t last_fetch_leader_leo() const { return last_fetch_leader_leo_; }
  int64_t last_caught_up_time_ms() const { return last_caught_up_time_ms_; }
  int64_t broker_epoch() const { return broker_epoch_; }               // -1 unknown

 private:
  int64_t log_end_offset_ = kUnknownOffset;
  int64_t last_fetch_leader_leo_ = 0;
  int64_t last_fetch_time_ms_ = 0;
  int64_t last_caught_up_time_ms_ = 0;
  int64_t broker_epoch_ = -1;
};

}  // namespace gregor::replication
