// Test helpers for PartitionLeaderState tests: a leader built from a few numbers.
#pragma once

#include <vector>

#include "replication/partition_leader_state.h"

namespace gregor::replication::testing {

inline constexpr int64_t kT0 = 1'000'000;  // a "now" far from 0, like a real wall clock
inline constexpr int64_t kLagMs = 30000;

inline BecomeLeaderParams leader_params(std::vector<int32_t> replicas, std::vector<int32_t> isr, int64_t leo,
                                        int64_t hw, int32_t min_isr = 1) {
  BecomeLeaderParams p;
  p.local_broker_id = 1;
  p.leader_epoch = 5;
  p.partition_epoch = 7;
  p.replicas = std::move(replicas);
  p.isr = std::move(isr);
  p.log_end_offset = leo;
  p.high_watermark = hw;
  p.leader_epoch_start_offset = leo;
  p.now_ms = kT0;
  p.config = LeaderConfig{min_isr, kLagMs};
  return p;
}

}  // namespace gregor::replication::testing
