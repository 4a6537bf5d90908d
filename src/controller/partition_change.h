// PartitionChangeBuilder: turns a wanted change of one partition (a new ISR, an election, a
// leader recovery state) into the PartitionChangeRecord that says it, the way Kafka's
// controller does:
//   - Election: the current leader stays while it is still acceptable and in the target ISR
//     (kOnline, kUnclean); kPreferred first tries replicas[0]. Otherwise the first replica in
//     assignment order that is in the target ISR and acceptable leads. Failing that, kUnclean
//     takes the first acceptable replica even outside the ISR: the ISR becomes just that replica
//     and the leader recovery state RECOVERING (data may be lost). Failing all, no leader (-1).
//   - An empty target ISR is never written (the ISR keeps its last member; the partition is
//     offline until that member returns, or an unclean election).
//   - The leader field is set only when the leader changes, or (Kafka's rule) when the new
//     replica set drops a replica of the old one, so the leader epoch is bumped.
//   - build() returns nullopt when nothing would change.
// "Acceptable leader" is the caller's predicate (normally: registered, unfenced, not in
// controlled shutdown). Eligible leader replicas (KIP-966) and reassignment completion are not
// modelled.
// Thread-safety: a value type used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "metadata/image.h"
#include "metadata/records.h"

namespace gregor::controller {

enum class Election { kPreferred, kOnline, kUnclean };

class PartitionChangeBuilder {
 public:
  using AcceptableLeader = std::function<bool(int32_t broker_id)>;

  // REQUIRES: `partition` outlives the builder.
  PartitionChangeBuilder(const metadata::PartitionInfo& partition, proto::Uuid topic_id, int32_t partition_id,
                         AcceptableLeader acceptable);

  PartitionChangeBuilder& set_target_isr(std::vector<int32_t> isr) { target_isr_ = std::move(isr); return *this; }
  PartitionChangeBuilder& set_target_replicas(std::vector<int32_t> replicas) {
    target_replicas_ = std::move(replicas);
    return *this;
  }
  PartitionChangeBuilder& set_election(Election e) { election_ = e; return *this; }
  PartitionChangeBuilder& set_target_leader_recovery_state(metadata::LeaderRecoveryState s) {
    target_recovery_ = s;
    return *this;
  }

  // The leader the election would pick (kNoLeader when none), and whether it is unclean.
  struct ElectionResult {
    int32_t leader = metadata::kNoLeader;
    bool unclean = false;
  };
  ElectionResult elect() const;

  std::optional<metadata::PartitionChangeRecord> build() const;

 private:
  bool valid_new_leader(int32_t id) const;

  const metadata::PartitionInfo& partition_;
  proto::Uuid topic_id_;
  int32_t partition_id_;
  AcceptableLeader acceptable_;
  std::vector<int32_t> target_isr_;
  std::vector<int32_t> target_replicas_;
  Election election_ = Election::kOnline;
  metadata::LeaderRecoveryState target_recovery_;
};

}  // namespace gregor::controller
