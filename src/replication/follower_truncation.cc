#include "replication/follower_truncation.h"

#include <algorithm>

#include "base/assert.h"

namespace gregor::replication {

TruncationDecision truncation_for_diverging_epoch(const DivergingEpoch& leader,
                                                  std::span<const EpochEntry> follower_epochs,
                                                  int64_t follower_leo, int64_t current_fetch_offset) {
  GREGOR_ASSERT(follower_leo >= 0);
  if (leader.end_offset == kUndefinedEpochOffset) return {current_fetch_offset, true};
  if (leader.epoch == kUndefinedEpoch) return {std::min(leader.end_offset, follower_leo), true};
  EpochEndOffset mine = end_offset_for(follower_epochs, leader.epoch, follower_leo);
  if (mine.end_offset == kUndefinedEpochOffset) return {std::min(leader.end_offset, follower_leo), true};
  if (mine.epoch != leader.epoch) return {std::min(mine.end_offset, follower_leo), false};
  return {std::min({leader.end_offset, mine.end_offset, follower_leo}), true};
}

InitialFetchPosition initial_fetch_position(std::span<const EpochEntry> follower_epochs, int64_t follower_leo,
                                            int64_t follower_high_watermark) {
  std::optional<int32_t> latest = latest_epoch(follower_epochs);
  if (latest) return {follower_leo, *latest, std::nullopt};
  int64_t hw = std::min(follower_high_watermark, follower_leo);  // a checkpoint may be ahead of the log
  return {hw, kUndefinedEpoch, hw};
}

OutOfRangeDecision on_offset_out_of_range(int64_t follower_leo, int64_t leader_log_start, int64_t leader_leo) {
  using A = OutOfRangeDecision::Action;
  if (leader_leo < follower_leo) return {A::kTruncateTo, leader_leo};
  if (leader_log_start > follower_leo) return {A::kTruncateFullyAndStartAt, leader_log_start};
  return {A::kKeep, std::max(leader_log_start, follower_leo)};
}

}  // namespace gregor::replication
