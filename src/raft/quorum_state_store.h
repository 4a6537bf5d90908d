// QuorumStateStore: the seam to the durable election state (Kafka's quorum-state file):
// the current epoch, its leader if known, and this node's vote in it.
// Promises: save() returns only after the state is durable; load() returns the last state
// saved (nullopt if none was ever saved) or an error if what is stored is unreadable.
// MemoryQuorumStateStore keeps it in memory and survives simulated crashes.
// Thread-safety: none; one RaftNode uses it.
#pragma once

#include <cstdint>
#include <optional>

#include "base/result.h"
#include "raft/types.h"

namespace gregor::raft {

struct QuorumStateData {
  int32_t leader_epoch = 0;
  int32_t leader_id = kNoNode;
  int32_t voted_id = kNoNode;
  bool operator==(const QuorumStateData&) const = default;
};

class QuorumStateStore {
 public:
  virtual ~QuorumStateStore() = default;
  virtual Result<std::optional<QuorumStateData>> load() = 0;
  virtual Status save(const QuorumStateData& state) = 0;
};

class MemoryQuorumStateStore final : public QuorumStateStore {
 public:
  Result<std::optional<QuorumStateData>> load() override { return state_; }
  Status save(const QuorumStateData& state) override {
    state_ = state;
    ++saves_;
    return Status::OK();
  }
  const std::optional<QuorumStateData>& state() const { return state_; }
  int64_t saves() const { return saves_; }

 private:
  std::optional<QuorumStateData> state_;
  int64_t saves_ = 0;
};

}  // namespace gregor::raft
