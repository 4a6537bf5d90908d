#include "broker/fetch_session.h"

namespace gregor::broker {

FetchSession& FetchSessionCache::create() {
  if (sessions_.size() >= capacity_ && !sessions_.empty()) {
    index_.erase(sessions_.back().id);
    sessions_.pop_back();
  }
  int32_t id;
  do {
    id = next_id_;
    next_id_ += stride_;
    if (next_id_ <= 0) next_id_ = 1 + (next_id_ & 0xff) % stride_;
  } while (id <= 0 || index_.count(id));
  sessions_.push_front(FetchSession{id, 1, {}});
  index_[id] = sessions_.begin();
  return sessions_.front();
}

FetchSession* FetchSessionCache::find(int32_t id) {
  auto it = index_.find(id);
  if (it == index_.end()) return nullptr;
  sessions_.splice(sessions_.begin(), sessions_, it->second);
  return &sessions_.front();
}

void FetchSessionCache::remove(int32_t id) {
  auto it = index_.find(id);
  if (it == index_.end()) return;
  sessions_.erase(it->second);
  index_.erase(it);
}

}  // namespace gregor::broker
