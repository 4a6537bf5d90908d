// IsrState: a partition leader's view of its in-sync replica set (Kafka's PartitionState):
// the ISR committed in the metadata log, plus at most one AlterPartition in flight
// (PendingExpandIsr / PendingShrinkIsr).
//  - maximal ISR: committed ISR plus the replica of a pending expansion (KIP-497: counting it
//    early only makes the high watermark stricter); during a pending shrink, still the
//    committed ISR (the shrink may fail, so it must not let the high watermark advance).
//  - AlterPartitionProposal: what the leader asks the controller for; `id` lets the response
//    be matched to the proposal still pending (Kafka compares the state object).
// Thread-safety: owner shard only; plain value type.
// REQUIRES: begin() only when !in_flight().
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "base/assert.h"

namespace gregor::replication {

enum class IsrChangeKind { kExpand, kShrink };

struct AlterPartitionProposal {
  uint64_t id = 0;  // pass back to PartitionLeaderState::on_alter_partition_response
  IsrChangeKind kind = IsrChangeKind::kShrink;
  int32_t leader_id = -1;
  int32_t leader_epoch = -1;
  int32_t partition_epoch = -1;
  std::vector<int32_t> new_isr;
  std::vector<int64_t> new_isr_broker_epochs;  // parallel to new_isr; -1 when unknown (KIP-903)
  std::vector<int32_t> changed;                // the replica added, or the replicas removed
};

// One partition of an AlterPartition response (or a transport failure mapped to an error).
struct AlterPartitionResponse {
  int16_t error_code = 0;
  int32_t leader_epoch = -1;     // on success: the partition's state after the change
  int32_t partition_epoch = -1;
  std::vector<int32_t> isr;
};

class IsrState {
 public:
  explicit IsrState(std::vector<int32_t> committed) : committed_(std::move(committed)) {}

  const std::vector<int32_t>& isr() const { return committed_; }  // committed in metadata
  bool in_flight() const { return pending_.has_value(); }
  const std::optional<AlterPartitionProposal>& pending() const { return pending_; }

  bool in_committed(int32_t id) const {
    return std::find(committed_.begin(), committed_.end(), id) != committed_.end();
  }
  bool in_maximal(int32_t id) const {
    return in_committed(id) || (pending_ && pending_->kind == IsrChangeKind::kExpand && pending_->changed[0] == id);
  }
  size_t maximal_size() const {
    return committed_.size() + ((pending_ && pending_->kind == IsrChangeKind::kExpand) ? 1 : 0);
  }
  std::vector<int32_t> maximal_isr() const {
    std::vector<int32_t> out = committed_;
    if (pending_ && pending_->kind == IsrChangeKind::kExpand) out.push_back(pending_->changed[0]);
    return out;
  }

  void begin(AlterPartitionProposal p) {
    GREGOR_ASSERT(!in_flight());
    GREGOR_ASSERT(p.kind == IsrChangeKind::kShrink || p.changed.size() == 1);
    pending_ = std::move(p);
  }
  // A new committed ISR (AlterPartition success or a metadata image); drops any pending change.
  void commit(std::vector<int32_t> isr) {
    committed_ = std::move(isr);
    pending_.reset();
  }
  // Back to the last committed state (the controller said the change was not applied).
  void roll_back() { pending_.reset(); }

 private:
  std::vector<int32_t> committed_;
  std::optional<AlterPartitionProposal> pending_;
};

}  // namespace gregor::replication
