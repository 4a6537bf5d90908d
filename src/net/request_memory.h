// RequestMemory: the node-wide budget for request bytes being read or handled (Kafka's
// queued.max.request.bytes memory pool). A connection reserves a request's buffer as it grows
// with the bytes that arrive (so a size announced but not sent costs nothing) and releases it
// when the request is answered; while the budget is spent, connections stop reading (their
// clients wait in TCP) until memory frees. As Kafka's pool in non-strict mode, a reservation
// succeeds whenever any budget is left, so one request larger than the whole budget still gets
// through when it is alone.
// Thread-safety: all members are safe from any thread (atomics).
#pragma once

#include <atomic>
#include <cstdint>

namespace gregor::net {

class RequestMemory {
 public:
  // capacity <= 0: unbounded (Kafka's -1).
  explicit RequestMemory(int64_t capacity) : capacity_(capacity), available_(capacity) {}

  // Reserves n bytes if any budget is left (or the pool is unbounded); false otherwise.
  bool try_reserve(int64_t n) {
    if (capacity_ <= 0) return true;
    int64_t avail = available_.load(std::memory_order_relaxed);
    while (avail > 0) {
      if (available_.compare_exchange_weak(avail, avail - n, std::memory_order_acq_rel)) return true;
    }
    return false;
  }
  void release(int64_t n) {
    if (capacity_ > 0) available_.fetch_add(n, std::memory_order_acq_rel);
  }
  int64_t capacity() const { return capacity_; }
  // Bytes reserved now (0 when unbounded).
  int64_t in_use() const { return capacity_ <= 0 ? 0 : capacity_ - available_.load(std::memory_order_relaxed); }

 private:
  const int64_t capacity_;
  std::atomic<int64_t> available_;
};

}  // namespace gregor::net
