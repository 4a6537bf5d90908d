// Partition: one topic-partition hosted by this node, owned by exactly one shard. Holds the
// log and the leader state. With a replication factor of 1 the ISR is this node alone, so the
// high watermark is the log end offset right after each append.
// Fetch waiters: long-polling fetches on any shard register here and are woken (on their own
// shard) when the partition gets new data.
// Thread-safety: owner shard only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "metadata/image.h"
#include "storage/log.h"

namespace gregor::broker {

// A long-polling fetch waiting for data; woken on its own shard.
class FetchWaiter {
 public:
  virtual ~FetchWaiter() = default;
  virtual void wake() = 0;  // REQUIRES: called on the waiter's shard
};

struct WaiterRef {
  size_t shard = 0;
  std::weak_ptr<FetchWaiter> waiter;
};

struct Partition {
  std::string topic;
  int32_t index = 0;
  proto::Uuid topic_id;
  std::unique_ptr<storage::Log> log;
  int32_t leader = -1;  // from the image: the broker that leads it, -1 none
  int32_t leader_epoch = 0;
  std::vector<int32_t> isr;
  std::vector<WaiterRef> waiters;

  int64_t high_watermark() const { return log->log_end_offset(); }
  int64_t last_stable_offset() const { return high_watermark(); }
};

}  // namespace gregor::broker
