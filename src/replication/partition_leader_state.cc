// PartitionLeaderState: construction, follower fetches, local appends, the high watermark and
// acks=all checks. ISR changes (AlterPartition, metadata) are in partition_leader_isr.cc.
#include "replication/partition_leader_state.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/assert.h"
#include "model/error_code.h"

namespace gregor::replication {

using model::ErrorCode;

namespace {
bool contains(const std::vector<int32_t>& v, int32_t id) { return std::find(v.begin(), v.end(), id) != v.end(); }
}  // namespace

PartitionLeaderState::PartitionLeaderState(const BecomeLeaderParams& p)
    : local_id_(p.local_broker_id),
      local_broker_epoch_(p.local_broker_epoch),
      leader_epoch_(p.leader_epoch),
      partition_epoch_(p.partition_epoch),
      replicas_(p.replicas),
      isr_(p.isr),
      leo_(p.log_end_offset),
      // UnifiedLog keeps HW within [log start, LEO]; a checkpoint can be ahead of a truncated log.
      hw_(std::min(std::max<int64_t>(p.high_watermark, 0), p.log_end_offset)),
      epoch_start_offset_(p.leader_epoch_start_offset),
      config_(p.config) {
  GREGOR_ASSERT_MSG(contains(replicas_, local_id_), "the leader must be a replica");
  for (int32_t id : isr_.isr()) GREGOR_ASSERT_MSG(contains(replicas_, id), "ISR must be a subset of replicas");
  GREGOR_ASSERT(leo_ >= 0 && epoch_start_offset_ <= leo_);
  GREGOR_ASSERT(leader_epoch_ >= 0 && partition_epoch_ >= 0);
  set_replicas(replicas_);
  // Partition.makeLeader: a new leader resets every follower (in-sync ones caught up as of now).
  for (auto& [id, f] : followers_) {
    f.state.reset(p.now_ms, epoch_start_offset_, /*new_leader=*/true, isr_.in_committed(id));
  }
  maybe_increment_hw(p.now_ms);  // the ISR may be down to the leader alone
  check_invariants();
}

void PartitionLeaderState::set_replicas(const std::vector<int32_t>& replicas) {
  replicas_ = replicas;
  for (auto it = followers_.begin(); it != followers_.end();) {
    it = contains(replicas_, it->first) ? std::next(it) : followers_.erase(it);
  }
  for (int32_t id : replicas_) {
    if (id != local_id_) followers_.try_emplace(id);  // new replicas start as ReplicaState.Empty
  }
}

const FollowerFetchState* PartitionLeaderState::follower(int32_t replica_id) const {
  auto it = followers_.find(replica_id);
  return it == followers_.end() ? nullptr : &it->second.state;
}

int32_t PartitionLeaderState::effective_min_isr() const {
  return std::min<int32_t>(config_.min_insync_replicas, static_cast<int32_t>(followers_.size()) + 1);
}

bool PartitionLeaderState::set_config(const LeaderConfig& config, int64_t now_ms) {
  config_ = config;
  return maybe_increment_hw(now_ms);
}

void PartitionLeaderState::set_isr_eligible(int32_t replica_id, bool eligible) {
  auto it = followers_.find(replica_id);
  if (it != followers_.end()) it->second.isr_eligible = eligible;
}

Result<FollowerFetchOutcome> PartitionLeaderState::on_follower_fetch(int32_t replica_id, int64_t fetch_offset,
                                                                    int64_t leader_leo, int64_t now_ms,
                                                                    int64_t broker_epoch) {
  GREGOR_ASSERT(leader_leo <= leo_);
  auto it = followers_.find(replica_id);
  if (it == followers_.end()) {
    return model::make_error(ErrorCode::NOT_LEADER_OR_FOLLOWER,
                             fmt::format("replica {} is not a follower in leader epoch {} partition epoch {}",
                                         replica_id, leader_epoch_, partition_epoch_));
  }
  if (fetch_offset < 0 || fetch_offset > leader_leo) {
    return model::make_error(ErrorCode::OFFSET_OUT_OF_RANGE,
                             fmt::format("fetch offset {} outside [0, {}]", fetch_offset, leader_leo));
  }
  FollowerFetchOutcome out;
  int64_t previous_leo = it->second.state.log_end_offset();
  it->second.state.update(fetch_offset, leader_leo, now_ms, broker_epoch);
  // Partition.updateFollowerFetchState: expand first (a pending expansion joins the maximal
  // ISR), then recompute the HW if this follower's LEO moved.
  out.alter_partition = maybe_expand_isr(replica_id);
  if (previous_leo != fetch_offset) out.high_watermark_changed = maybe_increment_hw(now_ms);
  check_invariants();
  return out;
}

bool PartitionLeaderState::on_local_append(int64_t new_leo, int64_t now_ms) {
  GREGOR_ASSERT_MSG(new_leo >= leo_, "the leader's log never shrinks while it leads");
  leo_ = new_leo;
  bool moved = maybe_increment_hw(now_ms);
  check_invariants();
  return moved;
}

bool PartitionLeaderState::maybe_increment_hw(int64_t now_ms) {
  if (is_under_min_isr()) return false;  // KAFKA-15583: no HW progress under min ISR
  int64_t new_hw = leo_;
  for (const auto& [id, f] : followers_) {
    int64_t follower_leo = f.state.log_end_offset();
    if (follower_leo >= new_hw) continue;
    bool wait_for_it = isr_.in_maximal(id) ||
                       (f.isr_eligible && f.state.is_caught_up(leo_, now_ms, config_.replica_lag_time_max_ms));
    if (wait_for_it) new_hw = follower_leo;
  }
  GREGOR_ASSERT(new_hw <= leo_);
  if (new_hw <= hw_) return false;  // UnifiedLog.maybeIncrementHighWatermark: never backwards
  hw_ = new_hw;
  return true;
}

Status PartitionLeaderState::check_enough_replicas() const {
  if (is_under_min_isr()) {
    return model::make_error(ErrorCode::NOT_ENOUGH_REPLICAS, fmt::format("ISR size {} is below the min ISR {}",
                                                                         isr_.isr().size(), effective_min_isr()));
  }
  return Status::OK();
}

int16_t PartitionLeaderState::acks_reached_error_code() const {
  bool enough = static_cast<int32_t>(isr_.maximal_size()) >= effective_min_isr();
  return model::to_int(enough ? ErrorCode::NONE : ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND);
}

AckCheck PartitionLeaderState::check_enough_replicas_reach_offset(int64_t required_offset) const {
  if (hw_ < required_offset) return AckCheck{false, 0};
  return AckCheck{true, acks_reached_error_code()};
}

void PartitionLeaderState::check_invariants() const {
  GREGOR_ASSERT_MSG(hw_ <= leo_, "high watermark above the leader's log end offset");
  GREGOR_ASSERT(epoch_start_offset_ <= leo_);
}

}  // namespace gregor::replication
