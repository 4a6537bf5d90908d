// PartitionLeaderState: the replication state of one partition on the broker that leads it
// (Kafka's Partition while leader, with a Replica per follower): follower fetch states, the
// ISR and its in-flight AlterPartition, and the high watermark.
// Promises:
//  - high watermark (HW) = min LEO over the leader and every follower that is in the maximal
//    ISR or is caught up (is_caught_up) and ISR-eligible (Partition.maybeIncrementLeaderHW);
//    it only moves when the committed ISR is at least the effective min ISR
//    (min(min.insync.replicas, replica count); Kafka >= 3.7); it never decreases while this
//    object lives, and HW <= leader LEO always (GREGOR_ASSERT).
//  - leader and partition epochs never decrease (GREGOR_ASSERT on metadata updates).
//  - at most one AlterPartition is in flight; ISR changes take effect only when committed (an
//    AlterPartition success or a metadata image), except that a pending expansion counts
//    toward the maximal ISR.
// Nothing here does I/O or reads a clock: callers pass now_ms and send the returned proposals.
// Thread-safety: owner shard only; not thread-safe.
// REQUIRES: constructed when this broker becomes leader (one object per leadership; on losing
// leadership drop it and fail pending acks with NOT_LEADER_OR_FOLLOWER); replicas contains the
// local broker; isr is a subset of replicas; offsets satisfy 0 <= HW, epoch start <= LEO.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "base/result.h"
#include "replication/follower_fetch_state.h"
#include "replication/isr_state.h"

namespace gregor::replication {

struct LeaderConfig {
  int32_t min_insync_replicas = 1;           // min.insync.replicas (topic)
  int64_t replica_lag_time_max_ms = 30000;   // replica.lag.time.max.ms (broker)
};

struct BecomeLeaderParams {
  int32_t local_broker_id = -1;
  int64_t local_broker_epoch = -1;           // sent in AlterPartition (KIP-903); -1 unknown
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0;
  std::vector<int32_t> replicas;             // the assignment, including this broker
  std::vector<int32_t> isr;                  // committed in the metadata log
  int64_t log_end_offset = 0;
  int64_t high_watermark = 0;                // from the log / checkpoint; clamped to the LEO
  int64_t leader_epoch_start_offset = 0;     // the LEO when this leader epoch began
  int64_t now_ms = 0;
  LeaderConfig config;
};

// A metadata image's state of a partition this broker (still) leads.
struct LeaderPartitionMetadata {
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
};

struct FollowerFetchOutcome {
  bool high_watermark_changed = false;
  std::optional<AlterPartitionProposal> alter_partition;  // an ISR expansion to send
};

enum class AlterResponseAction {
  kIgnored,        // not the pending proposal, or a stale leader/partition epoch in the answer
  kCommitted,      // the new ISR and partition epoch are in effect
  kRolledBack,     // OPERATION_NOT_ATTEMPTED / INELIGIBLE_REPLICA: back to the committed ISR
  kAwaitMetadata,  // FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION, NEW_LEADER_ELECTED, UNKNOWN_TOPIC_*,
                   // INVALID_REQUEST: stays pending until a metadata image replaces the state
  kRetry,          // any other error: send `retry` (the same proposal) again
};

struct AlterResponseOutcome {
  AlterResponseAction action = AlterResponseAction::kIgnored;
  bool high_watermark_changed = false;
  std::optional<AlterPartitionProposal> retry;
};

struct MetadataUpdateOutcome {
  bool applied = false;           // false: the image's partition epoch is not newer than ours
  bool new_leader_epoch = false;  // the caller must record the epoch start in the log's epoch cache
  bool high_watermark_changed = false;
};

// Partition.checkEnoughReplicasReachOffset for an acks=all produce.
struct AckCheck {
  bool reached = false;   // HW >= required offset
  int16_t error_code = 0; // when reached: NONE or NOT_ENOUGH_REPLICAS_AFTER_APPEND
};

class PartitionLeaderState {
 public:
  explicit PartitionLeaderState(const BecomeLeaderParams& p);

  int32_t local_broker_id() const { return local_id_; }
  int32_t leader_epoch() const { return leader_epoch_; }
  int32_t partition_epoch() const { return partition_epoch_; }
  int64_t leader_epoch_start_offset() const { return epoch_start_offset_; }
  int64_t log_end_offset() const { return leo_; }
  int64_t high_watermark() const { return hw_; }
  const std::vector<int32_t>& replicas() const { return replicas_; }
  const std::vector<int32_t>& isr() const { return isr_.isr(); }    // committed
  std::vector<int32_t> maximal_isr() const { return isr_.maximal_isr(); }
  bool alter_partition_in_flight() const { return isr_.in_flight(); }
  const std::optional<AlterPartitionProposal>& pending_alter_partition() const { return isr_.pending(); }
  bool is_follower(int32_t replica_id) const { return followers_.count(replica_id) != 0; }
  const FollowerFetchState* follower(int32_t replica_id) const;
  const LeaderConfig& config() const { return config_; }
  int32_t effective_min_isr() const;
  bool is_under_min_isr() const { return static_cast<int32_t>(isr_.isr().size()) < effective_min_isr(); }

  // Dynamic config change; returns whether the HW moved (a lower min ISR may unblock it).
  bool set_config(const LeaderConfig& config, int64_t now_ms);
  // KRaft ISR eligibility: a fenced or shutting-down broker may not join the ISR and does not
  // hold back the HW unless already in the maximal ISR. All followers start eligible.
  void set_isr_eligible(int32_t replica_id, bool eligible);

  // A follower Fetch that read at fetch_offset (no diverging epoch in the answer) while the
  // leader's LEO was leader_leo. Updates the follower, maybe proposes an ISR expansion, and
  // maybe advances the HW. Errors: NOT_LEADER_OR_FOLLOWER for a replica outside the
  // assignment (run check_follower_fetch first for Kafka's exact code), OFFSET_OUT_OF_RANGE
  // when fetch_offset > leader_leo. REQUIRES: leader_leo <= log_end_offset().
  Result<FollowerFetchOutcome> on_follower_fetch(int32_t replica_id, int64_t fetch_offset, int64_t leader_leo,
                                                 int64_t now_ms, int64_t broker_epoch = -1);
  // The local log grew to new_leo. Returns whether the HW moved. REQUIRES: new_leo >= LEO.
  bool on_local_append(int64_t new_leo, int64_t now_ms);

  // Expansion when replica_id is an eligible follower outside the ISR whose LEO >= HW and >=
  // the leader epoch start offset, and no AlterPartition is in flight. Becomes pending.
  std::optional<AlterPartitionProposal> maybe_expand_isr(int32_t replica_id);
  // Shrink by every ISR follower that is not caught up (LEO != leader LEO and not caught up
  // within replica_lag_time_max_ms), when no AlterPartition is in flight. Becomes pending.
  std::optional<AlterPartitionProposal> maybe_shrink_isr(int64_t now_ms);
  std::vector<int32_t> out_of_sync_replicas(int64_t now_ms) const;

  AlterResponseOutcome on_alter_partition_response(uint64_t proposal_id, const AlterPartitionResponse& response,
                                                   int64_t now_ms);
  // A newer partition epoch in the metadata image (controller-side ISR change, reassignment,
  // leader epoch bump with this broker still leader). Replaces any pending AlterPartition.
  // REQUIRES: the image names this broker leader and keeps it in replicas.
  MetadataUpdateOutcome on_metadata_update(const LeaderPartitionMetadata& m, int64_t now_ms);

  // acks=all at append time: NOT_ENOUGH_REPLICAS when the committed ISR is smaller than the
  // effective min ISR (nothing is appended then).
  Status check_enough_replicas() const;
  AckCheck check_enough_replicas_reach_offset(int64_t required_offset) const;
  // The code a reached acks=all produce completes with now: NONE, or
  // NOT_ENOUGH_REPLICAS_AFTER_APPEND when the maximal ISR is below the effective min ISR.
  int16_t acks_reached_error_code() const;

 private:
  struct Follower {
    FollowerFetchState state;
    bool isr_eligible = true;
  };
  bool maybe_increment_hw(int64_t now_ms);
  void set_replicas(const std::vector<int32_t>& replicas);
  AlterPartitionProposal make_proposal(IsrChangeKind kind, std::vector<int32_t> new_isr,
                                       std::vector<int32_t> changed);
  void check_invariants() const;

  int32_t local_id_;
  int64_t local_broker_epoch_;
  int32_t leader_epoch_;
  int32_t partition_epoch_;
  std::vector<int32_t> replicas_;
  IsrState isr_;
  int64_t leo_;
  int64_t hw_;
  int64_t epoch_start_offset_;
  LeaderConfig config_;
  std::map<int32_t, Follower> followers_;
  uint64_t next_proposal_id_ = 1;
};

}  // namespace gregor::replication
