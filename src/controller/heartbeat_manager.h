// BrokerHeartbeatManager: the active controller's in-memory record of when each registered
// broker last heartbeated and which metadata offset it had replayed. It is not replicated: a
// newly active controller rebuilds it from the Image (rebuild), which gives every broker a fresh
// session, as Kafka does. A broker has a valid session while it is unfenced here and its last
// contact is within broker.session.timeout.ms; an unfenced broker past that is stale and should
// be fenced (fencing.h: maybe_fence_stale_broker).
// Times are passed in (milliseconds, any monotonic clock), so tests and simulations drive it.
// Thread-safety: not thread-safe; owned by the active controller's shard.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "metadata/image.h"

namespace gregor::controller {

class BrokerHeartbeatManager {
 public:
  // REQUIRES: session_timeout_ms > 0.
  explicit BrokerHeartbeatManager(int64_t session_timeout_ms);

  int64_t session_timeout_ms() const { return session_timeout_ms_; }

  // Forgets everything and tracks every registered broker of `image` as last seen at now_ms,
  // fenced as the image says.
  void rebuild(const metadata::Image& image, int64_t now_ms);

  // Starts (or refreshes) tracking of a broker that just registered: last contact now_ms.
  void register_broker(int32_t id, bool fenced, int64_t now_ms);
  // Stops tracking a broker (unregistered, or replaced by a new incarnation).
  void remove(int32_t id);
  // Records a heartbeat: last contact now_ms, its fencing state after the heartbeat, and the
  // metadata offset it reported.
  void touch(int32_t id, bool fenced, int64_t metadata_offset, int64_t now_ms);
  // Marks a broker fenced (its session ends).
  void fence(int32_t id);

  bool tracked(int32_t id) const { return brokers_.count(id) != 0; }
  // Unfenced here and heard from within the session timeout.
  bool has_valid_session(int32_t id, int64_t now_ms) const;
  // The unfenced broker heard from longest ago whose session has expired, if any.
  std::optional<int32_t> find_stale_broker(int64_t now_ms) const;
  // Every unfenced broker whose session has expired, by id.
  std::vector<int32_t> stale_brokers(int64_t now_ms) const;
  // The last metadata offset a broker reported, -1 when unknown.
  int64_t metadata_offset(int32_t id) const;

 private:
  struct State {
    int64_t last_contact_ms = 0;
    int64_t metadata_offset = -1;
    bool fenced = true;
  };
  bool expired(const State& s, int64_t now_ms) const { return s.last_contact_ms + session_timeout_ms_ < now_ms; }

  int64_t session_timeout_ms_;
  std::map<int32_t, State> brokers_;
};

}  // namespace gregor::controller
