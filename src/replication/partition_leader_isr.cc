// PartitionLeaderState: ISR expansion and shrink proposals, AlterPartition responses and
// metadata updates (Kafka's Partition.maybeExpandIsr, maybeShrinkIsr, submitAlterPartition's
// completion, handleAlterPartitionError/Update, and makeLeader on an already-led partition).
#include <algorithm>

#include "base/assert.h"
#include "model/error_code.h"
#include "replication/partition_leader_state.h"

namespace gregor::replication {

using model::ErrorCode;

AlterPartitionProposal PartitionLeaderState::make_proposal(IsrChangeKind kind, std::vector<int32_t> new_isr,
                                                           std::vector<int32_t> changed) {
  AlterPartitionProposal p;
  p.id = next_proposal_id_++;
  p.kind = kind;
  p.leader_id = local_id_;
  p.leader_epoch = leader_epoch_;
  p.partition_epoch = partition_epoch_;
  for (int32_t id : new_isr) {
    int64_t epoch = -1;
    if (id == local_id_) {
      epoch = local_broker_epoch_;
    } else if (auto it = followers_.find(id); it != followers_.end()) {
      epoch = it->second.state.broker_epoch();
    }
    p.new_isr_broker_epochs.push_back(epoch);
  }
  p.new_isr = std::move(new_isr);
  p.changed = std::move(changed);
  return p;
}

std::optional<AlterPartitionProposal> PartitionLeaderState::maybe_expand_isr(int32_t replica_id) {
  if (isr_.in_flight() || isr_.in_committed(replica_id)) return std::nullopt;
  auto it = followers_.find(replica_id);
  if (it == followers_.end() || !it->second.isr_eligible) return std::nullopt;
  // Partition.isFollowerInSync: caught up to the HW and into the current leader epoch, so that
  // it cannot become leader without the committed data between HW and LEO of an older epoch.
  int64_t follower_leo = it->second.state.log_end_offset();
  if (follower_leo < hw_ || follower_leo < epoch_start_offset_) return std::nullopt;
  std::vector<int32_t> new_isr = isr_.isr();
  new_isr.push_back(replica_id);
  AlterPartitionProposal p = make_proposal(IsrChangeKind::kExpand, std::move(new_isr), {replica_id});
  isr_.begin(p);
  return p;
}

std::vector<int32_t> PartitionLeaderState::out_of_sync_replicas(int64_t now_ms) const {
  std::vector<int32_t> out;
  if (isr_.in_flight()) return out;
  for (int32_t id : isr_.isr()) {
    if (id == local_id_) continue;
    auto it = followers_.find(id);
    bool out_of_sync =
        it == followers_.end() || !it->second.state.is_caught_up(leo_, now_ms, config_.replica_lag_time_max_ms);
    if (out_of_sync) out.push_back(id);
  }
  return out;
}

std::optional<AlterPartitionProposal> PartitionLeaderState::maybe_shrink_isr(int64_t now_ms) {
  std::vector<int32_t> lagging = out_of_sync_replicas(now_ms);
  if (lagging.empty()) return std::nullopt;
  std::vector<int32_t> new_isr;
  for (int32_t id : isr_.isr()) {
    if (std::find(lagging.begin(), lagging.end(), id) == lagging.end()) new_isr.push_back(id);
  }
  AlterPartitionProposal p = make_proposal(IsrChangeKind::kShrink, std::move(new_isr), std::move(lagging));
  isr_.begin(p);
  return p;
}

AlterResponseOutcome PartitionLeaderState::on_alter_partition_response(uint64_t proposal_id,
                                                                      const AlterPartitionResponse& r,
                                                                      int64_t now_ms) {
  AlterResponseOutcome out;
  // A response for a proposal that a metadata image (or a rollback) already replaced is stale.
  if (!isr_.in_flight() || isr_.pending()->id != proposal_id) return out;
  switch (static_cast<ErrorCode>(r.error_code)) {
    case ErrorCode::NONE:
      // Success, still check the answer is for our leader epoch and not older than our state.
      if (r.leader_epoch != leader_epoch_ || r.partition_epoch < partition_epoch_) return out;
      isr_.commit(r.isr);
      partition_epoch_ = r.partition_epoch;
      out.action = AlterResponseAction::kCommitted;
      out.high_watermark_changed = maybe_increment_hw(now_ms);  // a shrink may unblock the HW
      break;
    case ErrorCode::OPERATION_NOT_ATTEMPTED:
    case ErrorCode::INELIGIBLE_REPLICA:
      // The controller says our partition epoch is current and nothing was applied.
      isr_.roll_back();
      out.action = AlterResponseAction::kRolledBack;
      break;
    case ErrorCode::UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode::UNKNOWN_TOPIC_ID:
    case ErrorCode::FENCED_LEADER_EPOCH:
    case ErrorCode::INVALID_UPDATE_VERSION:
    case ErrorCode::INVALID_REQUEST:
    case ErrorCode::NEW_LEADER_ELECTED:
      out.action = AlterResponseAction::kAwaitMetadata;  // stay pending until the image says
      break;
    default:
      out.action = AlterResponseAction::kRetry;
      out.retry = *isr_.pending();
      break;
  }
  check_invariants();
  return out;
}

MetadataUpdateOutcome PartitionLeaderState::on_metadata_update(const LeaderPartitionMetadata& m, int64_t now_ms) {
  MetadataUpdateOutcome out;
  // An equal partition epoch is a state we already have (AlterPartition success or a replay).
  if (m.partition_epoch <= partition_epoch_) return out;
  GREGOR_ASSERT_MSG(m.leader_epoch >= leader_epoch_, "leader epochs never decrease");
  GREGOR_ASSERT_MSG(std::find(m.replicas.begin(), m.replicas.end(), local_id_) != m.replicas.end(),
                    "the leader must stay a replica");
  out.applied = true;
  set_replicas(m.replicas);
  isr_.commit(m.isr);
  if (m.leader_epoch > leader_epoch_) {
    // Re-elected in a new epoch: the new epoch starts at the current LEO; followers keep their
    // LEO but must show they are caught up again (Replica.resetReplicaState, isNewLeader=false).
    epoch_start_offset_ = leo_;
    for (auto& [id, f] : followers_) f.state.reset(now_ms, leo_, /*new_leader=*/false, isr_.in_committed(id));
    leader_epoch_ = m.leader_epoch;
    out.new_leader_epoch = true;
  }
  partition_epoch_ = m.partition_epoch;
  out.high_watermark_changed = maybe_increment_hw(now_ms);
  check_invariants();
  return out;
}

}  // namespace gregor::replication
