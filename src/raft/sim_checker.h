// SimChecker: the safety oracle of the Raft simulation (test-only). It keeps the one global
// committed sequence (every batch any node applied, by offset) and checks, after every
// event, the invariants of raft_node.h: election safety, epochs never decrease (also across
// restarts), HW never decreases within an incarnation and never passes the LEO, log
// matching below the HW (nothing committed is ever truncated), leader completeness, and state
// machine safety (every node applies exactly a prefix of the committed sequence, in order;
// snapshots restore exactly such a prefix). The first violation is kept as a message.
// SimStateMachine is the StateMachine the simulated nodes run: a rolling hash of what it
// applied, checked against the oracle on every apply and restore.
// Thread-safety: none (the simulation is single-threaded).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "raft/memory_log.h"
#include "raft/raft_node.h"
#include "raft/state_machine.h"

namespace gregor::raft::sim {

uint64_t hash_bytes(const Bytes& b, uint64_t h = 0);

class SimChecker {
 public:
  bool failed() const { return failure_.has_value(); }
  const std::string& failure() const { return *failure_; }
  void violation(std::string what);

  // A node applied `b` after applying everything below it with rolling hash `prev_hash`.
  // Returns the rolling hash after b.
  uint64_t on_apply(int32_t node, const LogBatch& b, uint64_t prev_hash);
  // A node restored a snapshot claiming the prefix below end_offset hashes to prefix_hash.
  void on_restore(int32_t node, int64_t end_offset, uint64_t prefix_hash);

  // Per-node checks after an event. `incarnation` changes when the node restarts.
  void check_node(int32_t id, int incarnation, const RaftNode& node, MemoryRaftLog& log,
                  int64_t now);
  int64_t committed_end() const { return committed_end_; }
  int64_t leaders_elected() const { return int64_t(leaders_.size()); }

 private:
  struct Committed {
    int64_t last_offset;
    int32_t epoch;
    uint64_t data_hash;
    uint64_t prefix_hash;  // rolling hash of the sequence up to and including this batch
  };
  struct NodeTrack {
    int incarnation = -1;
    int32_t max_epoch = 0;
    int64_t last_hw = 0;
    bool was_leader = false;
    int32_t leader_epoch = -1;
  };
  void check_leader_completeness(int32_t id, const MemoryRaftLog& log);

  std::optional<std::string> failure_;
  std::map<int64_t, Committed> committed_;      // by base offset, contiguous from 0
  std::map<int64_t, uint64_t> prefix_by_end_;   // end offset -> rolling hash
  int64_t committed_end_ = 0;
  std::map<int32_t, int32_t> leaders_;          // epoch -> leader
  std::map<int32_t, NodeTrack> nodes_;
};

class SimStateMachine final : public StateMachine {
 public:
  SimStateMachine(int32_t node, SimChecker& checker) : node_(node), checker_(checker) {}
  Status apply(const LogBatch& batch) override;
  Bytes snapshot() override;
  Status restore(SnapshotId id, const Bytes& data) override;
  int64_t next_offset() const { return next_; }
  uint64_t hash() const { return hash_; }

 private:
  int32_t node_;
  SimChecker& checker_;
  int64_t next_ = 0;
  uint64_t hash_ = 0;
};

}  // namespace gregor::raft::sim
