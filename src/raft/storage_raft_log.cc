#include "raft/storage_raft_log.h"

#include "base/clock.h"
#include "model/batch_builder.h"
#include "model/batch_iterator.h"
#include "storage/log.h"

namespace gregor::raft {

namespace {
// A control record's key: version 0, type 2 (LEADER_CHANGE).
constexpr uint8_t kLeaderChangeKey[] = {0, 0, 0, 2};
}  // namespace

std::vector<LogBatch> split_batches(ByteView bytes) {
  std::vector<LogBatch> out;
  model::BatchIterator it(bytes);
  while (auto b = it.next()) {
    LogBatch lb;
    lb.base_offset = b->header.base_offset;
    lb.last_offset = b->header.base_offset + b->header.last_offset_delta;
    lb.epoch = b->header.partition_leader_epoch;
    lb.control = b->header.is_control();
    lb.data.assign(b->bytes.begin(), b->bytes.end());
    out.push_back(std::move(lb));
  }
  return out;
}

Result<std::unique_ptr<StorageRaftLog>> StorageRaftLog::open(const std::filesystem::path& dir,
                                                             std::optional<SnapshotId> snapshot) {
  storage::LogConfig cfg;
  cfg.segment_bytes = 64 << 20;
  cfg.retention_ms = -1;
  cfg.max_message_bytes = 8 << 20;
  auto log = storage::Log::open(dir, cfg, -1, -1);
  if (!log.ok()) return log.error();
  std::unique_ptr<StorageRaftLog> out(new StorageRaftLog());
  out->log_ = std::move(*log);
  out->snapshot_ = snapshot;
  if (snapshot) {
    // The log must not start after the snapshot ends, or the batches between are lost.
    if (out->log_->log_start_offset() > snapshot->end_offset ||
        out->log_->log_end_offset() < snapshot->end_offset) {
      if (auto s = out->log_->truncate_fully_and_start_at(snapshot->end_offset); !s.ok()) return s.error();
    } else if (out->log_->log_start_offset() < snapshot->end_offset) {
      if (auto s = out->log_->advance_log_start_offset(snapshot->end_offset); !s.ok()) return s.error();
    }
  }
  return out;
}

StorageRaftLog::~StorageRaftLog() = default;

int64_t StorageRaftLog::start_offset() const { return log_->log_start_offset(); }
int64_t StorageRaftLog::end_offset() const { return log_->log_end_offset(); }

int32_t StorageRaftLog::last_epoch() const {
  if (log_->log_end_offset() > log_->log_start_offset()) {
    if (auto latest = log_->epochs().latest()) return latest->epoch;
  }
  return snapshot_ ? snapshot_->epoch : 0;
}

OffsetAndEpoch StorageRaftLog::end_offset_for_epoch(int32_t epoch) const {
  int32_t last = last_epoch();
  if (epoch >= last) return {end_offset(), last};
  auto [e, end] = log_->epochs().end_offset_for(epoch, end_offset());
  if (e >= 0 && end >= 0) return {end, e};
  if (snapshot_ && snapshot_->epoch <= epoch) return {snapshot_->end_offset, snapshot_->epoch};
  if (!snapshot_ && log_->log_start_offset() == 0 && epoch >= 0) return {0, 0};
  return {-1, -1};
}

Result<LogBatch> StorageRaftLog::append_as_leader(int32_t epoch, std::vector<Bytes> records, bool control) {
  GREGOR_ASSERT(!records.empty());
  int64_t now = wall_ms();
  model::BatchBuilder builder;
  builder.control(control);
  for (const auto& r : records) {
    std::optional<ByteView> key;
    if (control) key = ByteView(kLeaderChangeKey, sizeof kLeaderChangeKey);
    builder.add(key, std::optional<ByteView>(ByteView(r)), now);
  }
  auto batch = builder.build();
  if (!batch.ok()) return batch.error();
  auto appended = log_->append(*batch, epoch, now);
  if (!appended.ok()) return appended.error();
  auto batches = read(appended->first_offset, 1);
  if (batches.empty() || batches.front().base_offset != appended->first_offset)
    return make_error(errc::kKafkaStorageError, "metadata log: appended batch cannot be read back");
  return batches.front();
}

Status StorageRaftLog::append_as_follower(const std::vector<LogBatch>& batches) {
  if (batches.empty()) return Status::OK();
  if (batches.front().base_offset != end_offset())
    return make_error(errc::kInvalidRequest, "metadata log: follower append does not start at the log end");
  Bytes all;
  for (const auto& b : batches) all.insert(all.end(), b.data.begin(), b.data.end());
  auto appended = log_->append_replicated(all, wall_ms());
  if (!appended.ok()) return appended.error();
  return Status::OK();
}

std::vector<LogBatch> StorageRaftLog::read(int64_t from, size_t max_bytes) const {
  if (from >= end_offset() || from < start_offset()) return {};
  auto slice = log_->read(from, int32_t(std::min<size_t>(max_bytes, INT32_MAX)), end_offset(), true);
  if (!slice.ok() || slice->size == 0) return {};
  Bytes buf;
  if (auto s = slice->file->pread_exact(slice->position, slice->size, buf); !s.ok()) return {};
  return split_batches(buf);
}

Status StorageRaftLog::truncate_to(int64_t offset) { return log_->truncate_to(offset); }

Status StorageRaftLog::flush() { return log_->flush(); }

int64_t StorageRaftLog::flushed_offset() const { return std::min(log_->recovery_point(), end_offset()); }

Status StorageRaftLog::truncate_prefix_to_snapshot(SnapshotId id) {
  GREGOR_ASSERT(id.end_offset <= end_offset());
  snapshot_ = id;
  if (id.end_offset <= start_offset()) return Status::OK();
  if (auto s = log_->advance_log_start_offset(id.end_offset); !s.ok()) return s;
  auto deleted = log_->apply_retention(wall_ms(), id.end_offset);
  if (!deleted.ok()) return deleted.error();
  return Status::OK();
}

Status StorageRaftLog::reset_to_snapshot(SnapshotId id) {
  snapshot_ = id;
  return log_->truncate_fully_and_start_at(id.end_offset);
}

Status StorageRaftLog::close() { return log_->close(); }

}  // namespace gregor::raft
