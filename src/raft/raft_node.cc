// RaftNode: construction, start and the state transitions. The event entry points are in
// raft_node_events.cc, elections in raft_node_vote.cc, replication in raft_node_fetch.cc,
// snapshots and applying in raft_node_snapshot.cc.
#include "raft/raft_node.h"

#include <algorithm>

#include "base/log.h"
#include "base/splitmix.h"

namespace gregor::raft {

RaftNode::RaftNode(Config config, RaftLog& log, QuorumStateStore& quorum_store,
                   SnapshotStore& snapshots, StateMachine& state_machine, uint64_t seed)
    : cfg_(std::move(config)),
      log_(log),
      quorum_store_(quorum_store),
      snapshots_(snapshots),
      sm_(state_machine),
      rng_(seed),
      tracker_(cfg_.request_timeout_ms, cfg_.retry_backoff_ms) {
  std::sort(cfg_.voters.begin(), cfg_.voters.end());
  cfg_.voters.erase(std::unique(cfg_.voters.begin(), cfg_.voters.end()), cfg_.voters.end());
  is_voter_ = std::binary_search(cfg_.voters.begin(), cfg_.voters.end(), cfg_.node_id);
}

uint64_t RaftNode::next_rand() {
  uint64_t r = splitmix64(rng_);
  rng_ += 0x9e3779b97f4a7c15ULL;
  return r;
}
int64_t RaftNode::random_election_timeout() {
  return cfg_.election_timeout_ms + int64_t(next_rand() % uint64_t(cfg_.election_timeout_ms));
}
int64_t RaftNode::random_backoff() {
  return 1 + int64_t(next_rand() % uint64_t(std::max<int64_t>(1, cfg_.election_backoff_max_ms)));
}

void RaftNode::fail(Error e) {
  if (fatal_) return;
  GLOG_ERROR("raft node {}: fatal: {}", cfg_.node_id, e.message);
  fatal_ = std::move(e);
}

Status RaftNode::start(int64_t now) {
  GREGOR_ASSERT(!started_);
  if (cfg_.voters.empty() || cfg_.node_id < 0 || cfg_.voters.front() < 0) {
    return make_error(errc::kInvalidRequest, "raft: bad node id or empty voter set");
  }
  if (cfg_.election_timeout_ms <= 0 || cfg_.fetch_timeout_ms <= 0) {
    return make_error(errc::kInvalidRequest, "raft: timeouts must be positive");
  }
  auto loaded = quorum_store_.load();
  if (!loaded.ok()) return loaded.error();
  if (*loaded) {
    epoch_ = (*loaded)->leader_epoch;
    leader_id_ = (*loaded)->leader_id;
    voted_id_ = (*loaded)->voted_id;
  }
  // Restore the state machine from the latest snapshot and line the log up with it.
  applied_ = log_.start_offset();
  if (auto snap = snapshots_.latest()) {
    auto data = snapshots_.read(*snap);
    if (!data.ok()) return data.error();
    if (auto s = sm_.restore(*snap, *data); !s.ok()) return s;
    Status s = log_.end_offset() < snap->end_offset ? log_.reset_to_snapshot(*snap)
               : log_.start_offset() < snap->end_offset ? log_.truncate_prefix_to_snapshot(*snap)
                                                        : Status::OK();
    if (!s.ok()) return s;
    applied_ = snap->end_offset;
    applied_epoch_ = snap->epoch;
  } else if (log_.start_offset() != 0) {
    return make_error(errc::kKafkaStorageError, "raft: log starts past 0 without a snapshot");
  }
  hw_ = applied_;
  started_ = true;

  if (cfg_.voters.size() == 1 && is_voter_) {
    become_candidate(now);  // a single voter elects itself at once
    return fatal_ ? Status(*fatal_) : Status::OK();
  }
  if (!is_voter_) {
    if (leader_id_ >= 0 && leader_id_ != cfg_.node_id) become_follower(epoch_, leader_id_, now);
    else become_unattached(epoch_, now);
  } else if (leader_id_ == cfg_.node_id) {
    role_ = Role::Resigned;  // a former leader may not lead its old epoch again
    election_deadline_ = now + cfg_.election_timeout_ms;
  } else if (leader_id_ >= 0) {
    become_follower(epoch_, leader_id_, now);
  } else if (voted_id_ == cfg_.node_id) {
    role_ = Role::Candidate;  // resume the election; the self-vote is on disk
    votes_[cfg_.node_id] = true;
    election_deadline_ = now + random_election_timeout();
  } else {
    become_unattached(epoch_, now);
  }
  poll(now);
  return fatal_ ? Status(*fatal_) : Status::OK();
}

Role RaftNode::role() const { return is_voter_ ? role_ : Role::Observer; }

bool RaftNode::persist(int32_t epoch, int32_t leader, int32_t voted) {
  GREGOR_ASSERT(epoch >= epoch_);
  if (epoch == epoch_ && leader == leader_id_ && voted == voted_id_) return true;
  if (auto s = quorum_store_.save(QuorumStateData{epoch, leader, voted}); !s.ok()) {
    fail(s.error());
    return false;
  }
  epoch_ = epoch;
  leader_id_ = leader;
  voted_id_ = voted;
  return true;
}

void RaftNode::reset_epoch_state() {
  tracker_.reset();
  votes_.clear();
  download_.reset();
  leader_.reset();
  begin_acked_.clear();
  begin_sent_ms_.clear();
  hw_sent_.clear();
  successors_.clear();
  end_acked_.clear();
  backoff_deadline_ = -1;
  election_deadline_ = INT64_MAX;
  fetch_deadline_ = INT64_MAX;
  leader_resigned_ = false;
  fetched_from_leader_ = false;
  // Fetches parked while leader are answered now (with an error naming the new state).
  std::vector<ParkedFetch> parked;
  parked.swap(parked_);
  for (const ParkedFetch& p : parked) respond(p.request_id, build_fetch_response(p.request, nullptr, 0));
}

void RaftNode::become_unattached(int32_t epoch, int64_t now) {
  if (!persist(epoch, kNoNode, epoch > epoch_ ? kNoNode : voted_id_)) return;
  role_ = Role::Unattached;
  reset_epoch_state();
  if (is_voter_) election_deadline_ = now + random_election_timeout();
  GLOG_DEBUG("raft {}: unattached in epoch {}", cfg_.node_id, epoch_);
}

void RaftNode::become_follower(int32_t epoch, int32_t leader, int64_t now) {
  GREGOR_ASSERT(leader >= 0 && leader != cfg_.node_id);
  if (!persist(epoch, leader, epoch > epoch_ ? kNoNode : voted_id_)) return;
  role_ = Role::Follower;
  reset_epoch_state();
  fetch_deadline_ = now + cfg_.fetch_timeout_ms;
  GLOG_DEBUG("raft {}: follower of {} in epoch {}", cfg_.node_id, leader, epoch_);
}

void RaftNode::become_prospective(int64_t now) {
  GREGOR_ASSERT(is_voter_);
  role_ = Role::Prospective;
  reset_epoch_state();
  votes_[cfg_.node_id] = true;
  election_deadline_ = now + random_election_timeout();
  if (majority() == 1) become_candidate(now);
}

void RaftNode::become_candidate(int64_t now) {
  GREGOR_ASSERT(is_voter_);
  if (!persist(epoch_ + 1, kNoNode, cfg_.node_id)) return;
  role_ = Role::Candidate;
  reset_epoch_state();
  votes_[cfg_.node_id] = true;
  election_deadline_ = now + random_election_timeout();
  GLOG_DEBUG("raft {}: candidate in epoch {}", cfg_.node_id, epoch_);
  if (majority() == 1) become_leader(now);
}

void RaftNode::become_leader(int64_t now) {
  GREGOR_ASSERT(role_ == Role::Candidate && voted_id_ == cfg_.node_id);
  if (!persist(epoch_, cfg_.node_id, voted_id_)) return;
  role_ = Role::Leader;
  reset_epoch_state();
  leader_.emplace(cfg_.node_id, epoch_, log_.end_offset(), cfg_.voters, cfg_.fetch_timeout_ms,
                  now, cfg_.bugs.commit_by_counting_old_epochs);
  // Kafka's LeaderChangeMessage: the first batch of every epoch, a control batch.
  Bytes change;
  append_be32(change, uint32_t(cfg_.node_id));
  append_be32(change, uint32_t(cfg_.voters.size()));
  for (int32_t v : cfg_.voters) append_be32(change, uint32_t(v));
  auto appended = log_.append_as_leader(epoch_, {std::move(change)}, /*control=*/true);
  if (!appended.ok()) return fail(appended.error());
  GLOG_DEBUG("raft {}: leader of epoch {} from offset {}", cfg_.node_id, epoch_,
             leader_->epoch_start_offset());
  leader_flush(now);
}

void RaftNode::become_resigned(int64_t now) {
  GREGOR_ASSERT(role_ == Role::Leader);
  std::vector<int32_t> successors = leader_->successors();
  role_ = Role::Resigned;
  reset_epoch_state();
  successors_ = std::move(successors);
  election_deadline_ = now + cfg_.election_timeout_ms;
  GLOG_DEBUG("raft {}: resigned epoch {}", cfg_.node_id, epoch_);
}

bool RaftNode::handle_epoch_and_leader(int32_t epoch, int32_t leader, int64_t now) {
  if (epoch < epoch_) return true;  // stale
  if (epoch > epoch_) {
    if (leader >= 0 && leader != cfg_.node_id) become_follower(epoch, leader, now);
    else become_unattached(epoch, now);
    return true;
  }
  if (leader < 0 || leader == leader_id_ || leader == cfg_.node_id) return false;
  if (leader_id_ >= 0) {
    fail(make_error(errc::kUnknownServerError,
                    "two leaders (" + std::to_string(leader_id_) + ", " +
                        std::to_string(leader) + ") in epoch " + std::to_string(epoch)));
    return true;
  }
  become_follower(epoch, leader, now);
  return true;
}

}  // namespace gregor::raft
