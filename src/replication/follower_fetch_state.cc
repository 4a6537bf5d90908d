#include "replication/follower_fetch_state.h"

#include <algorithm>

namespace gregor::replication {

void FollowerFetchState::update(int64_t fetch_offset, int64_t leader_leo, int64_t now_ms, int64_t broker_epoch) {
  if (fetch_offset >= leader_leo) {
    last_caught_up_time_ms_ = std::max(last_caught_up_time_ms_, now_ms);
  } else if (fetch_offset >= last_fetch_leader_leo_) {
    last_caught_up_time_ms_ = std::max(last_caught_up_time_ms_, last_fetch_time_ms_);
  }
  log_end_offset_ = fetch_offset;
  last_fetch_leader_leo_ = std::max(leader_leo, last_fetch_leader_leo_);
  last_fetch_time_ms_ = now_ms;
  broker_epoch_ = broker_epoch;
}

void FollowerFetchState::reset(int64_t now_ms, int64_t leader_leo, bool new_leader, bool in_sync) {
  last_caught_up_time_ms_ = in_sync ? now_ms : 0;
  if (new_leader) {
    log_end_offset_ = kUnknownOffset;
    last_fetch_leader_leo_ = kUnknownOffset;
    last_fetch_time_ms_ = 0;
    broker_epoch_ = -1;
  } else {
    last_fetch_leader_leo_ = leader_leo;
    last_fetch_time_ms_ = in_sync ? now_ms : 0;
  }
}

}  // namespace gregor::replication
