// RaftNode: the event entry points (tick, requests, responses, proposals, resign), the
// outbox, and the poll that sends what the current state wants to send.
#include "raft/raft_node.h"

namespace gregor::raft {

void RaftNode::send(int32_t to, Request request, int64_t now) {
  uint64_t corr = tracker_.on_send(to, request.index(), now);
  out_.push_back(OutRequest{to, corr, std::move(request)});
}

void RaftNode::respond(uint64_t request_id, Response response) {
  out_.push_back(OutResponse{request_id, std::move(response)});
}

std::vector<Output> RaftNode::drain() {
  std::vector<Output> out;
  out.swap(out_);
  return out;
}

void RaftNode::tick(int64_t now) {
  if (fatal_ || !started_) return;
  poll(now);
}

void RaftNode::poll(int64_t now) {
  for (int guard = 0; guard < 4 && !fatal_; ++guard) {
    Role before = role_;
    int32_t epoch_before = epoch_;
    switch (role_) {
      case Role::Leader: poll_leader(now); break;
      case Role::Candidate:
      case Role::Prospective:
      case Role::Resigned: poll_election(now); break;
      case Role::Unattached:
        if (is_voter_) {
          if (now >= election_deadline_) become_prospective(now);
        } else {
          poll_follower(now);
        }
        break;
      case Role::Follower: poll_follower(now); break;
      case Role::Observer: break;
    }
    if (role_ == before && epoch_ == epoch_before) break;  // settled
  }
}

void RaftNode::on_request(uint64_t request_id, int32_t from, const Request& request,
                          int64_t now) {
  if (fatal_ || !started_) return;
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, VoteRequest>) handle_vote(request_id, from, r, now);
        if constexpr (std::is_same_v<T, BeginQuorumEpochRequest>) handle_begin_epoch(request_id, from, r, now);
        if constexpr (std::is_same_v<T, EndQuorumEpochRequest>) handle_end_epoch(request_id, from, r, now);
        if constexpr (std::is_same_v<T, FetchRequest>) handle_fetch(request_id, from, r, now);
        if constexpr (std::is_same_v<T, FetchSnapshotRequest>) handle_fetch_snapshot(request_id, from, r, now);
      },
      request);
  if (!fatal_) poll(now);
}

void RaftNode::on_response(int32_t from, uint64_t correlation_id, const Response& response,
                           int64_t now) {
  if (fatal_ || !started_) return;
  if (!tracker_.take(from, correlation_id, response.index())) return;  // not expected
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, VoteResponse>) handle_vote_response(from, r, now);
        if constexpr (std::is_same_v<T, FetchResponse>) handle_fetch_response(from, r, now);
        if constexpr (std::is_same_v<T, FetchSnapshotResponse>) handle_fetch_snapshot_response(from, r, now);
        if constexpr (std::is_same_v<T, BeginQuorumEpochResponse>) {
          if (r.error == errc::kNone && r.epoch == epoch_ && role_ == Role::Leader) {
            begin_acked_.insert(from);
          } else if (r.epoch >= epoch_ && !handle_epoch_and_leader(r.epoch, r.leader_id, now)) {
            tracker_.backoff(from, now);
          }
        }
        if constexpr (std::is_same_v<T, EndQuorumEpochResponse>) {
          if (r.error == errc::kNone && r.epoch == epoch_ && role_ == Role::Resigned) {
            end_acked_.insert(from);
          } else if (r.epoch >= epoch_ && !handle_epoch_and_leader(r.epoch, r.leader_id, now)) {
            tracker_.backoff(from, now);
          }
        }
      },
      response);
  if (!fatal_) poll(now);
}

void RaftNode::on_send_failed(int32_t to, uint64_t correlation_id, int64_t now) {
  if (fatal_ || !started_) return;
  tracker_.failed(to, correlation_id, now);
  if (!is_voter_ && leader_id_ < 0) ++observer_probe_;
}

Result<int64_t> RaftNode::propose(std::vector<Bytes> records, int64_t now) {
  (void)now;
  if (fatal_ || role_ != Role::Leader) {
    return make_error(errc::kNotLeaderOrFollower, "raft: not the leader");
  }
  if (records.empty()) return make_error(errc::kInvalidRequest, "raft: empty proposal");
  auto appended = log_.append_as_leader(epoch_, std::move(records), /*control=*/false);
  if (!appended.ok()) {
    fail(appended.error());
    return appended.error();
  }
  return appended->last_offset;  // flushed, counted and sent on the next tick
}

void RaftNode::resign(int64_t now) {
  if (fatal_ || role_ != Role::Leader) return;
  leader_flush(now);
  if (role_ == Role::Leader) become_resigned(now);
  poll(now);
}

Result<QuorumDescription> RaftNode::describe(int64_t now) const {
  (void)now;
  if (role_ != Role::Leader || !leader_) {
    return make_error(errc::kNotLeaderOrFollower, "raft: not the leader");
  }
  QuorumDescription d = leader_->describe(cfg_.node_id);
  d.high_watermark = hw_;
  return d;
}

}  // namespace gregor::raft
