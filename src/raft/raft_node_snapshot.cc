// RaftNode: applying committed batches, taking snapshots (and dropping the log prefix they
// cover), serving FetchSnapshot as leader and installing a fetched snapshot as follower.
#include <algorithm>

#include "base/log.h"
#include "raft/raft_node.h"

namespace gregor::raft {

void RaftNode::apply_committed() {
  while (applied_ < hw_ && !fatal_) {
    std::vector<LogBatch> batches = log_.read(applied_, cfg_.max_fetch_bytes);
    bool progressed = false;
    for (const LogBatch& b : batches) {
      if (b.last_offset < applied_) continue;
      if (b.base_offset != applied_) {
        return fail(make_error(errc::kUnknownServerError,
                               "gap in the log at " + std::to_string(applied_)));
      }
      if (b.last_offset >= hw_) break;  // not (wholly) committed yet
      if (auto s = sm_.apply(b); !s.ok()) return fail(s.error());
      applied_ = b.last_offset + 1;
      applied_epoch_ = b.epoch;
      applied_since_snapshot_records_ += b.record_count();
      applied_since_snapshot_bytes_ += int64_t(b.data.size());
      progressed = true;
    }
    if (!progressed) break;
  }
  maybe_take_snapshot();
}

void RaftNode::maybe_take_snapshot() {
  bool due = (cfg_.snapshot_every_records > 0 &&
              applied_since_snapshot_records_ >= cfg_.snapshot_every_records) ||
             (cfg_.snapshot_every_bytes > 0 &&
              applied_since_snapshot_bytes_ >= cfg_.snapshot_every_bytes);
  if (!due || fatal_) return;
  SnapshotId id{applied_, applied_epoch_};
  GREGOR_ASSERT(id.end_offset <= hw_ && id.end_offset <= log_.end_offset());
  if (auto latest = snapshots_.latest(); latest && latest->end_offset >= id.end_offset) return;
  if (auto s = snapshots_.save(id, sm_.snapshot()); !s.ok()) return fail(s.error());
  if (auto s = log_.truncate_prefix_to_snapshot(id); !s.ok()) return fail(s.error());
  applied_since_snapshot_records_ = 0;
  applied_since_snapshot_bytes_ = 0;
  GLOG_DEBUG("raft {}: snapshot at {} (epoch {})", cfg_.node_id, id.end_offset, id.epoch);
}

void RaftNode::handle_fetch_snapshot(uint64_t id, int32_t from, const FetchSnapshotRequest& r,
                                     int64_t now) {
  FetchSnapshotResponse resp;
  resp.epoch = epoch_;
  resp.leader_id = leader_id_;
  resp.snapshot_id = r.snapshot_id;
  auto reply = [&](int16_t error) {
    resp.error = error;
    respond(id, std::move(resp));
  };
  if (r.cluster_id != cfg_.cluster_id) return reply(errc::kInconsistentClusterId);
  if (r.epoch < epoch_) return reply(errc::kFencedLeaderEpoch);
  if (r.epoch > epoch_) return reply(errc::kUnknownLeaderEpoch);
  if (role_ != Role::Leader) return reply(errc::kNotLeaderOrFollower);
  auto data = snapshots_.read(r.snapshot_id);
  if (!data.ok()) return reply(errc::kSnapshotNotFound);
  if (r.position < 0 || r.position > int64_t(data->size())) {
    return reply(errc::kPositionOutOfRange);
  }
  size_t max = cfg_.snapshot_chunk_bytes;
  if (r.max_bytes > 0) max = std::min(max, size_t(r.max_bytes));
  size_t n = std::min(max, data->size() - size_t(r.position));
  resp.size = int64_t(data->size());
  resp.position = r.position;
  resp.bytes.assign(data->begin() + r.position, data->begin() + r.position + int64_t(n));
  leader_->record_contact(from, now);
  reply(errc::kNone);
}

void RaftNode::handle_fetch_snapshot_response(int32_t from, const FetchSnapshotResponse& r,
                                              int64_t now) {
  if (r.error != errc::kNone) {
    if (r.epoch >= epoch_ && handle_epoch_and_leader(r.epoch, r.leader_id, now)) return;
    if (r.error == errc::kSnapshotNotFound || r.error == errc::kPositionOutOfRange) {
      download_.reset();  // fetch again; the leader will name its current snapshot
    }
    tracker_.backoff(from, now);
    return;
  }
  if (handle_epoch_and_leader(r.epoch, r.leader_id, now)) return;
  if (role_ != Role::Follower || from != leader_id_ || !download_ ||
      !(r.snapshot_id == download_->id)) {
    return;
  }
  fetch_deadline_ = now + cfg_.fetch_timeout_ms;
  SnapshotDownload& d = *download_;
  constexpr int64_t kMaxSnapshotBytes = int64_t(1) << 34;
  if (r.position != int64_t(d.data.size()) || r.size < 0 || r.size > kMaxSnapshotBytes ||
      (d.size >= 0 && r.size != d.size) ||
      int64_t(d.data.size() + r.bytes.size()) > r.size) {
    download_.reset();  // inconsistent; start over
    return;
  }
  d.size = r.size;
  d.data.insert(d.data.end(), r.bytes.begin(), r.bytes.end());
  if (int64_t(d.data.size()) < d.size) return;  // more chunks to fetch

  SnapshotId sid = d.id;
  Bytes data = std::move(d.data);
  download_.reset();
  if (sid.end_offset <= applied_) return;  // we are past it already
  if (sid.end_offset < hw_) {
    return fail(make_error(errc::kUnknownServerError, "fetched snapshot ends below our high watermark"));
  }
  if (auto s = snapshots_.save(sid, data); !s.ok()) return fail(s.error());
  if (auto s = log_.reset_to_snapshot(sid); !s.ok()) return fail(s.error());
  if (auto s = sm_.restore(sid, data); !s.ok()) return fail(s.error());
  applied_ = sid.end_offset;
  applied_epoch_ = sid.epoch;
  applied_since_snapshot_records_ = 0;
  applied_since_snapshot_bytes_ = 0;
  set_hw(sid.end_offset);  // a snapshot holds only committed data
  GLOG_DEBUG("raft {}: installed snapshot at {} (epoch {})", cfg_.node_id, sid.end_offset,
             sid.epoch);
}

}  // namespace gregor::raft
