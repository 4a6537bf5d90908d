// RequestTracker: the requests a RaftNode has in flight, at most one per destination
// (as Kafka's RequestManager). It hands out correlation ids, recognises the one answer it
// expects (stale, duplicated or reordered answers are refused), times requests out, and
// backs a destination off after a failure.
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <map>

namespace gregor::raft {

class RequestTracker {
 public:
  RequestTracker(int64_t request_timeout_ms, int64_t retry_backoff_ms)
      : timeout_ms_(request_timeout_ms), backoff_ms_(retry_backoff_ms) {}

  // True if nothing is in flight to `to` (or it timed out) and no backoff is running.
  bool ready(int32_t to, int64_t now) const {
    auto it = d_.find(to);
    if (it == d_.end()) return true;
    const Dest& d = it->second;
    if (d.in_flight && now < d.sent_ms + timeout_ms_) return false;
    if (!d.in_flight && now < d.backoff_until) return false;
    return true;
  }
  bool in_flight(int32_t to, int64_t now) const {
    auto it = d_.find(to);
    return it != d_.end() && it->second.in_flight && now < it->second.sent_ms + timeout_ms_;
  }
  // Records a request sent to `to` of kind `kind` (index of the Request variant).
  uint64_t on_send(int32_t to, size_t kind, int64_t now) {
    Dest& d = d_[to];
    d.in_flight = true;
    d.corr = next_corr_++;
    d.kind = kind;
    d.sent_ms = now;
    return d.corr;
  }
  // True if this is the answer expected from `from`; the slot is then free again.
  bool take(int32_t from, uint64_t corr, size_t kind) {
    auto it = d_.find(from);
    if (it == d_.end() || !it->second.in_flight || it->second.corr != corr ||
        it->second.kind != kind) {
      return false;
    }
    it->second.in_flight = false;
    return true;
  }
  // The request with `corr` to `to` failed: free the slot and back off.
  void failed(int32_t to, uint64_t corr, int64_t now) {
    auto it = d_.find(to);
    if (it == d_.end() || (corr != 0 && it->second.corr != corr)) return;
    it->second.in_flight = false;
    it->second.backoff_until = now + backoff_ms_;
  }
  void backoff(int32_t to, int64_t now) { d_[to].backoff_until = now + backoff_ms_; }
  // Forget everything (on every state transition): answers to earlier requests are refused.
  void reset() { d_.clear(); }

 private:
  struct Dest {
    bool in_flight = false;
    uint64_t corr = 0;
    size_t kind = 0;
    int64_t sent_ms = 0;
    int64_t backoff_until = 0;
  };
  int64_t timeout_ms_;
  int64_t backoff_ms_;
  uint64_t next_corr_ = 1;
  std::map<int32_t, Dest> d_;
};

}  // namespace gregor::raft
