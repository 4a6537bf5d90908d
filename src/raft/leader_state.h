// LeaderState: what the leader of one epoch knows about the other replicas: each voter's and
// observer's fetched log end offset and fetch times, the high watermark, and the check-quorum
// timer (a leader that has not been fetched from by a majority within 1.5 x fetch timeout
// must resign, as Kafka's LeaderState does).
// Promises: the high watermark never decreases; it is unknown (-1) until a majority of voters
// (counting the leader's own flushed end offset) holds an offset past epoch_start_offset, so
// only batches of the leader's own epoch are committed by counting (Raft's commit rule; the
// LeaderChange batch at epoch_start_offset commits everything before it).
// Thread-safety: none; owned by RaftNode.
// REQUIRES: voters contains local_id.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "raft/messages.h"

namespace gregor::raft {

class LeaderState {
 public:
  LeaderState(int32_t local_id, int32_t epoch, int64_t epoch_start_offset,
              const std::vector<int32_t>& voters, int64_t fetch_timeout_ms, int64_t now_ms,
              bool count_old_epochs);

  int32_t epoch() const { return epoch_; }
  int64_t epoch_start_offset() const { return epoch_start_offset_; }
  int64_t high_watermark() const { return hw_; }

  // The leader's own flushed end offset. Returns true if the high watermark moved.
  bool update_local(int64_t flushed_end, int64_t now_ms);
  // A valid Fetch from `replica` at `fetch_offset` while the leader's LEO is `leader_end`.
  // Returns true if the high watermark moved.
  bool update_replica(int32_t replica, int64_t fetch_offset, int64_t leader_end, int64_t now_ms);
  // Any request from a voter that shows it follows this leader (Fetch, FetchSnapshot).
  void record_contact(int32_t replica, int64_t now_ms);
  bool check_quorum_expired(int64_t now_ms) const { return now_ms >= check_deadline_; }

  bool is_voter(int32_t id) const { return voters_.count(id) != 0; }
  int64_t last_fetch_ms(int32_t id) const;
  // Voters other than the leader, most up to date first (EndQuorumEpoch successors).
  std::vector<int32_t> successors() const;
  QuorumDescription describe(int32_t leader_id) const;

 private:
  struct Replica {
    int64_t end_offset = -1;
    int64_t last_fetch_ms = -1;
    int64_t last_caught_up_ms = -1;
  };
  bool recompute_hw();

  int32_t local_id_;
  int32_t epoch_;
  int64_t epoch_start_offset_;
  int64_t fetch_timeout_ms_;
  bool count_old_epochs_;
  int64_t hw_ = -1;
  std::map<int32_t, Replica> voters_;
  std::map<int32_t, Replica> observers_;
  std::set<int32_t> contacted_;
  int64_t check_deadline_;
};

}  // namespace gregor::raft
