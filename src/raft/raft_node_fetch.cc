// RaftNode: pull-based replication. The leader answers Fetch (validating the fetcher's
// offset and epoch, holding empty fetches as a long poll), tracks the high watermark and
// check-quorum; followers and observers fetch, truncate on divergence and append.
#include <algorithm>

#include "base/log.h"
#include "raft/raft_node.h"

namespace gregor::raft {

void RaftNode::set_hw(int64_t hw) {
  if (hw <= hw_) return;
  hw_ = hw;
  GREGOR_ASSERT(cfg_.bugs.follower_hw_ignores_leo || hw_ <= log_.end_offset());
}

void RaftNode::leader_flush(int64_t now) {
  if (role_ != Role::Leader) return;
  bool new_data = false;
  if (log_.flushed_offset() < log_.end_offset()) {
    if (auto s = log_.flush(); !s.ok()) return fail(s.error());
    new_data = true;
  }
  bool moved = leader_->update_local(log_.flushed_offset(), now);
  if (moved) {
    GREGOR_ASSERT(leader_->high_watermark() >= hw_ || cfg_.bugs.commit_by_counting_old_epochs);
    set_hw(leader_->high_watermark());
    apply_committed();
  }
  if (new_data || moved) complete_parked_fetches(now, true);
}

void RaftNode::poll_leader(int64_t now) {
  leader_flush(now);
  if (fatal_ || role_ != Role::Leader) return;
  if (leader_->check_quorum_expired(now)) {
    GLOG_DEBUG("raft {}: no fetch from a majority within {} ms; resigning", cfg_.node_id,
               cfg_.fetch_timeout_ms * 3 / 2);
    become_resigned(now);
    return;
  }
  complete_parked_fetches(now, false);
  // BeginQuorumEpoch to voters that have not acknowledged it, and again to voters that have
  // stopped fetching (e.g. restarted without knowing the leader).
  for (int32_t v : cfg_.voters) {
    if (v == cfg_.node_id || !tracker_.ready(v, now)) continue;
    bool stale = leader_->last_fetch_ms(v) < now - cfg_.fetch_timeout_ms / 2;
    auto sent = begin_sent_ms_.find(v);
    bool resend = sent == begin_sent_ms_.end() || sent->second < now - cfg_.fetch_timeout_ms / 2;
    if ((!begin_acked_.count(v) || stale) && resend) {
      begin_sent_ms_[v] = now;
      send(v, BeginQuorumEpochRequest{cfg_.cluster_id, epoch_, cfg_.node_id}, now);
    }
  }
}

FetchResponse RaftNode::build_fetch_response(const FetchRequest& r, bool* park, int64_t now) {
  FetchResponse resp;
  resp.epoch = epoch_;
  resp.leader_id = leader_id_;
  resp.log_start_offset = log_.start_offset();
  if (r.cluster_id != cfg_.cluster_id) { resp.error = errc::kInconsistentClusterId; return resp; }
  if (r.epoch < epoch_) { resp.error = errc::kFencedLeaderEpoch; return resp; }
  if (r.epoch > epoch_) { resp.error = errc::kUnknownLeaderEpoch; return resp; }
  if (role_ != Role::Leader) { resp.error = errc::kNotLeaderOrFollower; return resp; }
  if (r.fetch_offset < 0 || r.last_fetched_epoch < 0 || r.last_fetched_epoch > epoch_ ||
      r.replica_id < 0 || r.replica_id == cfg_.node_id) {
    resp.error = errc::kInvalidRequest;
    return resp;
  }
  // Kafka's validateOffsetAndEpoch.
  auto snap = snapshots_.latest();
  bool at_origin = log_.start_offset() == 0 && r.fetch_offset == 0;
  if (!at_origin && snap &&
      (r.fetch_offset < log_.start_offset() ||
       (r.fetch_offset == log_.start_offset() && r.last_fetched_epoch != snap->epoch) ||
       r.last_fetched_epoch < snap->epoch)) {
    resp.snapshot_id = *snap;
    resp.high_watermark = leader_->high_watermark();
    return resp;
  }
  if (!at_origin) {
    OffsetAndEpoch end = log_.end_offset_for_epoch(r.last_fetched_epoch);
    if (end.epoch != r.last_fetched_epoch || end.offset < r.fetch_offset) {
      resp.diverging_epoch = DivergingEpoch{end.epoch, end.offset};
      resp.high_watermark = leader_->high_watermark();
      return resp;
    }
  }
  if (leader_->update_replica(r.replica_id, r.fetch_offset, log_.end_offset(), now)) {
    set_hw(leader_->high_watermark());
    apply_committed();
  }
  resp.high_watermark = leader_->high_watermark();
  resp.batches = log_.read(r.fetch_offset, cfg_.max_fetch_bytes);
  auto told = hw_sent_.find(r.replica_id);
  const bool knows_hw = told != hw_sent_.end() && told->second >= resp.high_watermark;
  if (park && resp.batches.empty() && r.max_wait_ms > 0 && knows_hw) *park = true;
  else hw_sent_[r.replica_id] = resp.high_watermark;
  return resp;
}

void RaftNode::handle_fetch(uint64_t id, int32_t from, const FetchRequest& r, int64_t now) {
  (void)from;
  int64_t hw_before = hw_;
  bool park = false;
  FetchResponse resp = build_fetch_response(r, &park, now);
  if (park) {
    parked_.push_back(ParkedFetch{id, r, now + r.max_wait_ms});
  } else {
    respond(id, std::move(resp));
  }
  if (hw_ != hw_before) complete_parked_fetches(now, true);  // tell the followers at once
}

void RaftNode::complete_parked_fetches(int64_t now, bool all) {
  if (parked_.empty()) return;
  std::vector<ParkedFetch> keep;
  std::vector<ParkedFetch> parked;
  parked.swap(parked_);
  for (ParkedFetch& p : parked) {
    if (all || now >= p.deadline_ms) {
      respond(p.request_id, build_fetch_response(p.request, nullptr, now));
    } else {
      keep.push_back(std::move(p));
    }
  }
  // Answering may have parked nothing new (park == nullptr), so parked_ is still empty.
  parked_ = std::move(keep);
}

int32_t RaftNode::fetch_target(int64_t now) {
  (void)now;
  if (leader_id_ >= 0 && leader_id_ != cfg_.node_id) return leader_id_;
  if (is_voter_) return kNoNode;
  // An observer that does not know the leader asks the voters in turn.
  return cfg_.voters[observer_probe_ % cfg_.voters.size()];
}

void RaftNode::poll_follower(int64_t now) {
  if (role_ == Role::Follower && now >= fetch_deadline_) {
    if (is_voter_) become_prospective(now);
    else become_unattached(epoch_, now);  // forget the leader; probe the voters
    return;
  }
  int32_t target = fetch_target(now);
  if (target < 0 || !tracker_.ready(target, now)) return;
  if (download_) {
    send(target,
         FetchSnapshotRequest{cfg_.cluster_id, cfg_.node_id, epoch_, download_->id,
                              int64_t(download_->data.size()),
                              int32_t(std::min<size_t>(cfg_.snapshot_chunk_bytes, INT32_MAX))},
         now);
    return;
  }
  // The fetch offset tells the leader what we hold: it must be on disk first.
  if (log_.flushed_offset() < log_.end_offset()) {
    if (auto s = log_.flush(); !s.ok()) return fail(s.error());
  }
  if (!is_voter_ && leader_id_ < 0) ++observer_probe_;
  send(target,
       FetchRequest{cfg_.cluster_id, cfg_.node_id, epoch_, log_.end_offset(), log_.last_epoch(),
                    cfg_.fetch_max_wait_ms},
       now);
}

void RaftNode::update_follower_hw(int64_t leader_hw) {
  if (leader_hw < 0) return;
  int64_t hw = cfg_.bugs.follower_hw_ignores_leo ? leader_hw
                                                  : std::min(leader_hw, log_.end_offset());
  if (hw < hw_) {
    if (cfg_.bugs.follower_hw_ignores_leo) return;
    return fail(make_error(errc::kUnknownServerError,
                           "leader's high watermark " + std::to_string(hw) +
                               " is below ours " + std::to_string(hw_)));
  }
  set_hw(hw);
  apply_committed();
}

void RaftNode::handle_fetch_response(int32_t from, const FetchResponse& r, int64_t now) {
  if (r.error != errc::kNone) {
    if (r.epoch >= epoch_ && handle_epoch_and_leader(r.epoch, r.leader_id, now)) return;
    if (!is_voter_ && leader_id_ < 0) ++observer_probe_;
    tracker_.backoff(from, now);
    return;
  }
  if (handle_epoch_and_leader(r.epoch, r.leader_id, now)) return;
  if (role_ != Role::Follower || from != leader_id_) return;
  fetch_deadline_ = now + cfg_.fetch_timeout_ms;
  leader_resigned_ = false;
  fetched_from_leader_ = true;

  if (r.diverging_epoch) {
    const DivergingEpoch& d = *r.diverging_epoch;
    if (d.epoch < 0 || d.end_offset < 0) return tracker_.backoff(from, now);
    int64_t target;
    if (d.epoch == 0) {
      target = std::min(d.end_offset, log_.end_offset());
    } else {
      OffsetAndEpoch local = log_.end_offset_for_epoch(d.epoch);
      target = local.epoch == d.epoch ? std::min(local.offset, d.end_offset) : local.offset;
    }
    target = std::max(target, log_.start_offset());
    if (target < hw_) {
      return fail(make_error(errc::kUnknownServerError,
                             "leader asked to truncate to " + std::to_string(target) +
                                 " below the high watermark " + std::to_string(hw_)));
    }
    // No high watermark from this answer: what is left of our log is not validated yet
    // (the local epoch may end past the leader's; the next fetch finds out).
    if (auto s = log_.truncate_to(target); !s.ok()) return fail(s.error());
    return;
  }
  if (r.snapshot_id) {
    download_ = SnapshotDownload{*r.snapshot_id, {}, -1};
    return;
  }
  // Append what continues our log; anything else is a stale answer.
  std::vector<LogBatch> fresh;
  for (const LogBatch& b : r.batches) {
    if (b.last_offset >= log_.end_offset()) fresh.push_back(b);
  }
  if (!fresh.empty()) {
    if (fresh.front().base_offset != log_.end_offset()) return;
    if (auto s = log_.append_as_follower(fresh); !s.ok()) {
      GLOG_WARN("raft {}: dropping fetched batches: {}", cfg_.node_id, s.error().message);
      return;
    }
  }
  update_follower_hw(r.high_watermark);
}

}  // namespace gregor::raft
