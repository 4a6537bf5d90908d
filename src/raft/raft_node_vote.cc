// RaftNode: elections. Pre-vote (KIP-996) and vote handling, the Prospective/Candidate/
// Resigned timers, BeginQuorumEpoch and EndQuorumEpoch.
#include <algorithm>

#include "raft/raft_node.h"

namespace gregor::raft {

bool RaftNode::can_grant(int32_t candidate, bool up_to_date, bool pre_vote, int64_t now) const {
  switch (role_) {
    case Role::Leader:
    case Role::Resigned:
      return false;  // this epoch has a leader: us
    case Role::Candidate:
      return pre_vote && up_to_date;  // our real vote went to ourselves
    case Role::Follower:
      // Never a second leader in our epoch; a pre-vote only while the leader seems gone:
      // not fetched from since we (re)became its follower, resigned, or silent too long.
      if (!pre_vote) return false;
      if (fetched_from_leader_ && !leader_resigned_ && now < fetch_deadline_) return false;
      return up_to_date;
    case Role::Unattached:
    case Role::Prospective:
    case Role::Observer:
      if (pre_vote) return up_to_date;
      if (voted_id_ >= 0) return voted_id_ == candidate;
      if (leader_id_ >= 0) return false;
      return up_to_date;
  }
  return false;
}

void RaftNode::handle_vote(uint64_t id, int32_t from, const VoteRequest& r, int64_t now) {
  (void)from;
  auto reply = [&](int16_t error, bool granted) {
    respond(id, VoteResponse{error, epoch_, leader_id_, granted});
  };
  if (r.cluster_id != cfg_.cluster_id) return reply(errc::kInconsistentClusterId, false);
  if (!is_voter_ ||
      !std::binary_search(cfg_.voters.begin(), cfg_.voters.end(), r.candidate_id) ||
      r.candidate_id == cfg_.node_id) {
    return reply(errc::kInconsistentVoterSet, false);
  }
  if (r.epoch < epoch_) return reply(errc::kFencedLeaderEpoch, false);
  if (!r.pre_vote && r.epoch > epoch_) {
    become_unattached(r.epoch, now);
    if (fatal_) return;
  }
  bool up_to_date = cfg_.bugs.skip_log_up_to_date_check ||
                    at_least_as_up_to_date({r.last_epoch_end_offset, r.last_epoch}, log_end());
  bool granted = can_grant(r.candidate_id, up_to_date, r.pre_vote, now);
  if (granted && !r.pre_vote && voted_id_ != r.candidate_id) {
    if (cfg_.bugs.vote_without_persist) {
      voted_id_ = r.candidate_id;  // BUG (test only): the vote is not on disk
    } else if (!persist(epoch_, leader_id_, r.candidate_id)) {
      return;
    }
    election_deadline_ = now + random_election_timeout();
  }
  reply(errc::kNone, granted);
}

void RaftNode::handle_vote_response(int32_t from, const VoteResponse& r, int64_t now) {
  if (role_ != Role::Prospective && role_ != Role::Candidate) return;
  // A pre-vote answer may come from a voter in an older epoch; it still counts.
  if (r.epoch >= epoch_ && handle_epoch_and_leader(r.epoch, r.leader_id, now)) return;
  if (r.error != errc::kNone) {
    tracker_.backoff(from, now);
    return;
  }
  if (role_ == Role::Candidate && r.epoch != epoch_) return;
  votes_[from] = r.vote_granted;
  int32_t granted = 0, rejected = 0;
  for (const auto& [voter, g] : votes_) (g ? granted : rejected) += 1;
  if (granted >= majority()) {
    if (role_ == Role::Prospective) become_candidate(now);
    else become_leader(now);
  } else if (int32_t(cfg_.voters.size()) - rejected < majority()) {
    if (role_ == Role::Prospective) {
      // Lost the pre-vote: go back to what we were, and let the timers run again.
      if (leader_id_ >= 0 && leader_id_ != cfg_.node_id) become_follower(epoch_, leader_id_, now);
      else become_unattached(epoch_, now);
    } else if (backoff_deadline_ < 0) {
      backoff_deadline_ = now + random_backoff();
    }
  }
}

void RaftNode::poll_election(int64_t now) {
  if (role_ == Role::Resigned) {
    for (int32_t v : successors_) {
      if (!end_acked_.count(v) && tracker_.ready(v, now)) {
        send(v, EndQuorumEpochRequest{cfg_.cluster_id, epoch_, cfg_.node_id, successors_}, now);
      }
    }
    if (now >= election_deadline_) become_prospective(now);
    return;
  }
  if (role_ == Role::Candidate) {
    if (backoff_deadline_ >= 0) {
      if (now >= backoff_deadline_) become_prospective(now);
      return;
    }
    if (now >= election_deadline_) {
      backoff_deadline_ = now + random_backoff();
      return;
    }
  } else if (now >= election_deadline_) {  // Prospective: the pre-vote timed out
    if (leader_id_ >= 0 && leader_id_ != cfg_.node_id) become_follower(epoch_, leader_id_, now);
    else become_unattached(epoch_, now);
    return;
  }
  OffsetAndEpoch end = log_end();
  for (int32_t v : cfg_.voters) {
    if (v == cfg_.node_id || votes_.count(v) || !tracker_.ready(v, now)) continue;
    send(v,
         VoteRequest{cfg_.cluster_id, epoch_, cfg_.node_id, end.epoch, end.offset,
                     role_ == Role::Prospective},
         now);
  }
}

void RaftNode::handle_begin_epoch(uint64_t id, int32_t from, const BeginQuorumEpochRequest& r,
                                  int64_t now) {
  (void)from;
  auto reply = [&](int16_t error) {
    respond(id, BeginQuorumEpochResponse{error, epoch_, leader_id_});
  };
  if (r.cluster_id != cfg_.cluster_id) return reply(errc::kInconsistentClusterId);
  if (!is_voter_) return reply(errc::kInconsistentVoterSet);
  if (r.epoch < epoch_) return reply(errc::kFencedLeaderEpoch);
  if (r.leader_id < 0 || r.leader_id == cfg_.node_id) return reply(errc::kInvalidRequest);
  handle_epoch_and_leader(r.epoch, r.leader_id, now);
  if (fatal_) return;
  reply(errc::kNone);
}

void RaftNode::handle_end_epoch(uint64_t id, int32_t from, const EndQuorumEpochRequest& r,
                                int64_t now) {
  (void)from;
  auto reply = [&](int16_t error) {
    respond(id, EndQuorumEpochResponse{error, epoch_, leader_id_});
  };
  if (r.cluster_id != cfg_.cluster_id) return reply(errc::kInconsistentClusterId);
  if (!is_voter_) return reply(errc::kInconsistentVoterSet);
  if (r.epoch < epoch_) return reply(errc::kFencedLeaderEpoch);
  if (r.leader_id < 0 || r.leader_id == cfg_.node_id) return reply(errc::kInvalidRequest);
  handle_epoch_and_leader(r.epoch, r.leader_id, now);
  if (fatal_) return;
  if (role_ == Role::Follower && leader_id_ == r.leader_id && epoch_ == r.epoch) {
    leader_resigned_ = true;  // grant pre-votes now
    auto it = std::find(r.preferred_successors.begin(), r.preferred_successors.end(),
                        cfg_.node_id);
    if (it != r.preferred_successors.end()) {
      // The first successor starts at once, the others after a growing random backoff.
      int64_t pos = it - r.preferred_successors.begin();
      int64_t delay = pos == 0 ? 0 : pos * random_backoff();
      fetch_deadline_ = std::min(fetch_deadline_, now + delay);
    }
  }
  reply(errc::kNone);
}

}  // namespace gregor::raft
