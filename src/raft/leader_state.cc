#include "raft/leader_state.h"

#include <algorithm>

#include "base/assert.h"

namespace gregor::raft {

LeaderState::LeaderState(int32_t local_id, int32_t epoch, int64_t epoch_start_offset,
                         const std::vector<int32_t>& voters, int64_t fetch_timeout_ms,
                         int64_t now_ms, bool count_old_epochs)
    : local_id_(local_id),
      epoch_(epoch),
      epoch_start_offset_(epoch_start_offset),
      fetch_timeout_ms_(fetch_timeout_ms),
      count_old_epochs_(count_old_epochs),
      check_deadline_(now_ms + fetch_timeout_ms * 3 / 2) {
  for (int32_t v : voters) voters_[v];
  GREGOR_ASSERT(voters_.count(local_id) == 1);
  if (voters_.size() == 1) check_deadline_ = INT64_MAX;
}

bool LeaderState::recompute_hw() {
  std::vector<int64_t> ends;
  for (const auto& [id, r] : voters_) ends.push_back(r.end_offset);
  std::sort(ends.begin(), ends.end(), std::greater<int64_t>());
  int64_t majority_end = ends[ends.size() / 2];
  if (majority_end <= hw_) return false;
  if (!count_old_epochs_ && majority_end <= epoch_start_offset_) return false;
  hw_ = majority_end;
  return true;
}

bool LeaderState::update_local(int64_t flushed_end, int64_t now_ms) {
  Replica& self = voters_[local_id_];
  self.end_offset = std::max(self.end_offset, flushed_end);
  self.last_fetch_ms = now_ms;
  self.last_caught_up_ms = now_ms;
  return recompute_hw();
}

bool LeaderState::update_replica(int32_t replica, int64_t fetch_offset, int64_t leader_end,
                                 int64_t now_ms) {
  auto it = voters_.find(replica);
  Replica& r = it != voters_.end() ? it->second : observers_[replica];
  // A replica's fetch offset only goes back if it lost an unflushed tail, which it never
  // reported; keep the largest so the high watermark cannot be pulled back.
  r.end_offset = std::max(r.end_offset, fetch_offset);
  r.last_fetch_ms = now_ms;
  if (fetch_offset >= leader_end) r.last_caught_up_ms = now_ms;
  record_contact(replica, now_ms);
  return it != voters_.end() && recompute_hw();
}

void LeaderState::record_contact(int32_t replica, int64_t now_ms) {
  if (!voters_.count(replica) || replica == local_id_) return;
  contacted_.insert(replica);
  // Majority counting the leader itself.
  if (contacted_.size() + 1 >= voters_.size() / 2 + 1) {
    contacted_.clear();
    check_deadline_ = now_ms + fetch_timeout_ms_ * 3 / 2;
  }
}

int64_t LeaderState::last_fetch_ms(int32_t id) const {
  auto it = voters_.find(id);
  return it == voters_.end() ? -1 : it->second.last_fetch_ms;
}

std::vector<int32_t> LeaderState::successors() const {
  std::vector<std::pair<int64_t, int32_t>> v;
  for (const auto& [id, r] : voters_) {
    if (id != local_id_) v.push_back({-r.end_offset, id});
  }
  std::sort(v.begin(), v.end());
  std::vector<int32_t> out;
  for (auto& p : v) out.push_back(p.second);
  return out;
}

QuorumDescription LeaderState::describe(int32_t leader_id) const {
  QuorumDescription d;
  d.leader_id = leader_id;
  d.leader_epoch = epoch_;
  d.high_watermark = hw_;
  for (const auto& [id, r] : voters_) {
    d.voters.push_back({id, r.end_offset, r.last_fetch_ms, r.last_caught_up_ms});
  }
  for (const auto& [id, r] : observers_) {
    d.observers.push_back({id, r.end_offset, r.last_fetch_ms, r.last_caught_up_ms});
  }
  return d;
}

}  // namespace gregor::raft
