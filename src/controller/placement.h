// Replica placement for CreateTopics and CreatePartitions: which brokers hold each new partition,
// in preferred order (the first is the preferred leader).
// Rule (Kafka's rack-unaware round-robin placer): with the usable brokers sorted by id, n of
// them, a start index s and a follower shift k taken from the seed, partition p (counting from
// the topic's first new partition index) puts its first replica on broker (p + s) % n and
// replica j >= 1 on (first + 1 + (k + j - 1) % (n - 1)) % n, with k growing by one every n
// partitions. So over a multiple of n partitions every broker is preferred leader of the same
// number of partitions and holds the same number of replicas, and followers of one leader are
// spread over the others.
// Brokers in controlled shutdown are never used. Fenced brokers are used (never first) only
// when there are too few unfenced ones, as Kafka allows: the replication factor may reach the
// number of registered brokers, but at least one must be unfenced.
// Racks are not considered yet (Kafka's rack-aware alternation is a gap).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "metadata/image.h"

namespace gregor::controller {

using Assignment = std::vector<std::vector<int32_t>>;  // replicas per partition

struct UsableBroker {
  int32_t id = -1;
  bool fenced = false;
};

// The brokers new replicas may go to: every known broker not in controlled shutdown, by id.
std::vector<UsableBroker> usable_brokers(const metadata::Image& image);

// Places `num_partitions` partitions of `replication_factor` replicas; `first_partition` is the
// index of the first new partition (0 for a new topic). INVALID_REPLICATION_FACTOR (38) with
// Kafka's message when the factor is not positive, every broker is fenced, or the factor
// exceeds the usable brokers.
// REQUIRES: num_partitions >= 0.
Result<Assignment> place_replicas(const std::vector<UsableBroker>& brokers, int32_t num_partitions,
                                  int32_t replication_factor, int32_t first_partition, uint64_t seed);

// The initial ISR and leader of a newly placed partition: the active replicas in assignment
// order, led by the first. INVALID_REPLICATION_FACTOR when none is active.
struct InitialState {
  std::vector<int32_t> isr;
  int32_t leader = -1;
};
Result<InitialState> initial_partition_state(const metadata::Image& image, const std::vector<int32_t>& replicas,
                                             int32_t replication_factor);

}  // namespace gregor::controller
