#include "controller/heartbeat_manager.h"

#include "base/assert.h"

namespace gregor::controller {

BrokerHeartbeatManager::BrokerHeartbeatManager(int64_t session_timeout_ms) : session_timeout_ms_(session_timeout_ms) {
  GREGOR_ASSERT(session_timeout_ms > 0);
}

void BrokerHeartbeatManager::rebuild(const metadata::Image& image, int64_t now_ms) {
  brokers_.clear();
  for (const auto& [id, b] : image.brokers)
    if (b.registered()) brokers_[id] = State{now_ms, -1, b.fenced};
}

void BrokerHeartbeatManager::register_broker(int32_t id, bool fenced, int64_t now_ms) {
  State& s = brokers_[id];
  s.last_contact_ms = now_ms;
  s.fenced = fenced;
}

void BrokerHeartbeatManager::remove(int32_t id) { brokers_.erase(id); }

void BrokerHeartbeatManager::touch(int32_t id, bool fenced, int64_t metadata_offset, int64_t now_ms) {
  State& s = brokers_[id];
  s.last_contact_ms = now_ms;
  s.metadata_offset = metadata_offset;
  s.fenced = fenced;
}

void BrokerHeartbeatManager::fence(int32_t id) {
  auto it = brokers_.find(id);
  if (it != brokers_.end()) it->second.fenced = true;
}

bool BrokerHeartbeatManager::has_valid_session(int32_t id, int64_t now_ms) const {
  auto it = brokers_.find(id);
  return it != brokers_.end() && !it->second.fenced && !expired(it->second, now_ms);
}

std::optional<int32_t> BrokerHeartbeatManager::find_stale_broker(int64_t now_ms) const {
  std::optional<int32_t> oldest;
  int64_t oldest_contact = 0;
  for (const auto& [id, s] : brokers_) {
    if (s.fenced || !expired(s, now_ms)) continue;
    if (!oldest || s.last_contact_ms < oldest_contact) {
      oldest = id;
      oldest_contact = s.last_contact_ms;
    }
  }
  return oldest;
}

std::vector<int32_t> BrokerHeartbeatManager::stale_brokers(int64_t now_ms) const {
  std::vector<int32_t> out;
  for (const auto& [id, s] : brokers_)
    if (!s.fenced && expired(s, now_ms)) out.push_back(id);
  return out;
}

int64_t BrokerHeartbeatManager::metadata_offset(int32_t id) const {
  auto it = brokers_.find(id);
  return it == brokers_.end() ? -1 : it->second.metadata_offset;
}

}  // namespace gregor::controller
