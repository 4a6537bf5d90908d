// PendingAcks: the acks=all produces of one partition waiting for the high watermark (Kafka's
// DelayedProduce purgatory, per partition). Each entry waits until HW >= required_offset (the
// batch's last offset + 1) and then completes with the code the leader gives for a reached
// offset (NONE, or NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min ISR: see
// PartitionLeaderState::acks_reached_error_code); at its deadline with REQUEST_TIMED_OUT; when
// leadership is lost, all with NOT_LEADER_OR_FOLLOWER (fail_all).
// Promises: every added token completes exactly once, through one of complete_reached, expire
// or fail_all; the queue never holds more than its capacity (add refuses with
// REQUEST_TIMED_OUT: the records are in the leader's log, whether they are replicated is
// unknown, which is what that code tells an acks=all producer).
// Entries are kept ordered by required_offset whatever order they are added in.
// Thread-safety: owner shard only; not thread-safe.
// REQUIRES: capacity > 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "base/result.h"

namespace gregor::replication {

struct PendingAck {
  int64_t required_offset = 0;  // last offset of the appended batch(es) + 1
  int64_t deadline_ms = 0;      // now + the produce's timeout.ms
  uint64_t token = 0;           // the caller's handle for the waiting request
};

struct AckCompletion {
  uint64_t token = 0;
  int16_t error_code = 0;
  bool operator==(const AckCompletion&) const = default;
};

class PendingAcks {
 public:
  explicit PendingAcks(size_t capacity);

  // REQUEST_TIMED_OUT when full (nothing is queued; answer the producer with it).
  Status add(const PendingAck& ack);

  // Completes every entry with required_offset <= high_watermark with reached_error_code.
  std::vector<AckCompletion> complete_reached(int64_t high_watermark, int16_t reached_error_code);
  // Completes every entry whose deadline_ms <= now_ms with REQUEST_TIMED_OUT. Call
  // complete_reached first so that a produce that made it in time is not reported as late.
  std::vector<AckCompletion> expire(int64_t now_ms);
  // Completes everything with error_code (NOT_LEADER_OR_FOLLOWER on losing leadership).
  std::vector<AckCompletion> fail_all(int16_t error_code);

  std::optional<int64_t> next_deadline_ms() const;  // earliest deadline, for the caller's timer
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  size_t capacity() const { return capacity_; }

 private:
  size_t capacity_;
  std::deque<PendingAck> entries_;  // by required_offset
};

}  // namespace gregor::replication
