#include "controller/partition_change.h"

#include "base/assert.h"
#include "controller/decision.h"

namespace gregor::controller {

using metadata::kNoLeader;
using metadata::kNoLeaderChange;
using metadata::LeaderRecoveryState;

PartitionChangeBuilder::PartitionChangeBuilder(const metadata::PartitionInfo& partition, proto::Uuid topic_id,
                                               int32_t partition_id, AcceptableLeader acceptable)
    : partition_(partition),
      topic_id_(topic_id),
      partition_id_(partition_id),
      acceptable_(std::move(acceptable)),
      target_isr_(partition.isr),
      target_replicas_(partition.replicas),
      target_recovery_(partition.leader_recovery_state) {
  GREGOR_ASSERT(acceptable_);
}

bool PartitionChangeBuilder::valid_new_leader(int32_t id) const {
  return id >= 0 && contains(target_isr_, id) && acceptable_(id);
}

PartitionChangeBuilder::ElectionResult PartitionChangeBuilder::elect() const {
  if (election_ == Election::kPreferred && !target_replicas_.empty() && valid_new_leader(target_replicas_.front()))
    return {target_replicas_.front(), false};
  if (valid_new_leader(partition_.leader)) return {partition_.leader, false};
  for (int32_t r : target_replicas_)
    if (valid_new_leader(r)) return {r, false};
  if (election_ == Election::kUnclean) {
    for (int32_t r : target_replicas_)
      if (acceptable_(r)) return {r, true};
  }
  return {kNoLeader, false};
}

std::optional<metadata::PartitionChangeRecord> PartitionChangeBuilder::build() const {
  metadata::PartitionChangeRecord rec;
  rec.topic_id = topic_id_;
  rec.partition_id = partition_id_;

  ElectionResult elected = elect();
  LeaderRecoveryState recovery = target_recovery_;
  if (elected.leader != partition_.leader) {
    rec.leader = elected.leader;
    if (elected.unclean) {
      // The new leader may lack committed records: it alone is in sync from now on.
      rec.isr = std::vector<int32_t>{elected.leader};
      recovery = LeaderRecoveryState::kRecovering;
    }
  }
  // Dropping a replica from the assignment fences the old replica set by a leader epoch bump.
  if (rec.leader == kNoLeaderChange) {
    for (int32_t r : partition_.replicas)
      if (!contains(target_replicas_, r)) { rec.leader = partition_.leader; break; }
  }
  if (!rec.isr && !target_isr_.empty() && target_isr_ != partition_.isr) rec.isr = target_isr_;
  if (!target_replicas_.empty() && target_replicas_ != partition_.replicas) rec.replicas = target_replicas_;
  if (recovery != partition_.leader_recovery_state) rec.leader_recovery_state = int8_t(recovery);

  bool noop = rec.leader == kNoLeaderChange && !rec.isr && !rec.replicas && !rec.removing_replicas &&
              !rec.adding_replicas && rec.leader_recovery_state == -1;
  if (noop) return std::nullopt;
  return rec;
}

}  // namespace gregor::controller
