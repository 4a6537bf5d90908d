// Partition: one topic-partition hosted by this node, owned by exactly one shard. Holds the
// log and its replica role from the metadata image:
//  - leader: `leader_state` tracks the followers, the ISR and the high watermark
//    (replication::PartitionLeaderState); acks=all produces wait in `pending_acks` until the
//    high watermark passes them;
//  - follower: `following` names the leader this shard's replica fetcher copies from; the
//    high watermark is the leader's, as its fetch responses report it (capped at our LEO).
// Fetch waiters: long-polling fetches on any shard register here and are woken (on their own
// shard) when the partition gets new data or its high watermark moves.
// Thread-safety: owner shard only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "metadata/image.h"
#include "replication/partition_leader_state.h"
#include "replication/pending_acks.h"
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

// A produce request waiting (on its connection's shard) for acks=all of some partitions.
// Completions are posted to that shard; the request answers when none is outstanding.
struct AckWaiter {
  virtual ~AckWaiter() = default;
  // REQUIRES: called on the waiter's shard. slot identifies the partition in the request.
  virtual void complete(size_t slot, int16_t error_code) = 0;
};

struct AckWaiterRef {
  size_t shard = 0;
  size_t slot = 0;
  std::weak_ptr<AckWaiter> waiter;
};

struct Partition {
  std::string topic;
  int32_t index = 0;
  proto::Uuid topic_id;
  std::unique_ptr<storage::Log> log;
  // From the image.
  int32_t leader = -1;  // the broker that leads it, -1 none
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
  std::vector<WaiterRef> waiters;

  int64_t hw = 0;  // high watermark: records below it are committed
  std::unique_ptr<replication::PartitionLeaderState> leader_state;  // while this broker leads
  std::unique_ptr<replication::PendingAcks> pending_acks;          // while this broker leads
  std::map<uint64_t, AckWaiterRef> ack_waiters;                    // PendingAcks token -> request
  uint64_t next_ack_token = 1;
  int32_t following = -1;  // the leader our fetcher copies from, -1 none

  bool is_leader() const { return leader_state != nullptr; }
  int64_t high_watermark() const { return hw; }
  // Sets the high watermark and tells the log (transactions whose markers it passed are stable).
  void set_high_watermark(int64_t v) {
    hw = v;
    if (log) log->on_high_watermark(v);
  }
  // read_committed consumers read below it: the high watermark, or the first offset of an
  // open (or not yet committed) transaction below it.
  int64_t last_stable_offset() const {
    auto unstable = log ? log->first_unstable_offset() : std::nullopt;
    return unstable ? std::min(*unstable, hw) : hw;
  }
};

}  // namespace gregor::broker
