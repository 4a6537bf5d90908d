// FollowerTruncation: the follower's side of log reconciliation, as Kafka's
// AbstractFetcherThread does it with truncation on fetch (Fetch v12+):
//  - initial_fetch_position: where a new follower starts (ReplicaManager.initialFetchOffset and
//    AbstractFetcherThread.partitionFetchState): with epochs, fetch from the LEO with
//    last_fetched_epoch = the latest local epoch and let the leader detect divergence; without
//    epochs (an empty or pre-0.11 log), truncate to the high watermark and fetch from there.
//  - truncation_for_diverging_epoch: the offset to truncate to when a Fetch response carries a
//    DivergingEpoch (getOffsetTruncationState). Let (E, L) be the leader's answer and
//    (Ef, F) = end_offset_for(follower epochs, E, follower LEO):
//      L == -1                  -> the current fetch offset (leader could not say);
//      E == -1                  -> min(L, LEO) (pre-2.0 leader);
//      F undefined              -> min(L, LEO) (follower tracks no epoch <= E);
//      Ef != E                  -> min(F, LEO), incomplete: the follower never had epoch E; it
//                                  truncates to the end of its largest epoch below E and the
//                                  next fetch (last_fetched_epoch = its new latest epoch)
//                                  finds any remaining divergence;
//      Ef == E                  -> min(L, F, LEO), complete.
//    Never truncate by high watermark alone after a leader change (the KIP-101 bug).
//  - on_offset_out_of_range: a Fetch answered OFFSET_OUT_OF_RANGE (fetchOffsetAndTruncate):
//    leader LEO < follower LEO -> truncate to the leader LEO (unclean election; the logs may
//    still differ below it, Kafka accepts that); leader log start > follower LEO -> truncate
//    fully and restart at the leader's log start; otherwise keep the log and refetch from
//    max(leader log start, follower LEO).
// After any truncation the caller truncates the log and its epoch cache (storage does both) and
// fetches from the returned offset with last_fetched_epoch = its latest epoch afterwards.
// Promises: pure functions; no I/O.
// Thread-safety: callable from any thread.
// REQUIRES: follower epochs well formed (epoch_end_offset.h); offsets >= 0 unless noted.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "replication/divergence.h"
#include "replication/epoch_end_offset.h"

namespace gregor::replication {

struct TruncationDecision {
  int64_t truncate_to = 0;  // Log::truncate_to(truncate_to); then fetch from here
  bool complete = true;     // false: an intermediate step; a later fetch may truncate further
  bool operator==(const TruncationDecision&) const = default;
};

// current_fetch_offset: the offset the diverging fetch asked for.
TruncationDecision truncation_for_diverging_epoch(const DivergingEpoch& leader,
                                                  std::span<const EpochEntry> follower_epochs,
                                                  int64_t follower_leo, int64_t current_fetch_offset);

struct InitialFetchPosition {
  int64_t fetch_offset = 0;
  int32_t last_fetched_epoch = kUndefinedEpoch;
  std::optional<int64_t> truncate_to;  // set when the follower must truncate (to its HW) first
  bool operator==(const InitialFetchPosition&) const = default;
};

InitialFetchPosition initial_fetch_position(std::span<const EpochEntry> follower_epochs, int64_t follower_leo,
                                            int64_t follower_high_watermark);

struct OutOfRangeDecision {
  enum class Action { kKeep, kTruncateTo, kTruncateFullyAndStartAt };
  Action action = Action::kKeep;
  int64_t offset = 0;  // the truncation / restart offset, and the next fetch offset
  bool operator==(const OutOfRangeDecision&) const = default;
};

// leader_log_start / leader_leo: from ListOffsets(EARLIEST / LATEST) against the leader.
OutOfRangeDecision on_offset_out_of_range(int64_t follower_leo, int64_t leader_log_start, int64_t leader_leo);

}  // namespace gregor::replication
