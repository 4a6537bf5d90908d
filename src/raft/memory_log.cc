#include "raft/memory_log.h"

#include <algorithm>

#include "raft/record_codec.h"

namespace gregor::raft {

size_t MemoryRaftLog::index_of(int64_t offset) const {
  auto it = std::lower_bound(batches_.begin(), batches_.end(), offset,
                             [](const LogBatch& b, int64_t o) { return b.last_offset < o; });
  return size_t(it - batches_.begin());
}

const LogBatch* MemoryRaftLog::batch_at(int64_t offset) const {
  size_t i = index_of(offset);
  if (i >= batches_.size() || batches_[i].base_offset > offset) return nullptr;
  return &batches_[i];
}

OffsetAndEpoch MemoryRaftLog::end_offset_for_epoch(int32_t epoch) const {
  if (epoch >= last_epoch()) return {end_offset(), last_epoch()};
  // Find the first batch whose epoch is > epoch; the answer is the epoch before it.
  auto it = std::upper_bound(batches_.begin(), batches_.end(), epoch,
                             [](int32_t e, const LogBatch& b) { return e < b.epoch; });
  if (it == batches_.begin()) {
    // No batch of an epoch <= `epoch`; the snapshot at the log start may still know it.
    if (start_epoch_ <= epoch && (start_offset_ > 0 || start_epoch_ > 0)) {
      return {start_offset_, start_epoch_};
    }
    if (start_offset_ == 0 && start_epoch_ == 0 && epoch >= 0) return {0, 0};
    return {-1, -1};
  }
  return {it->base_offset, std::prev(it)->epoch};
}

Result<LogBatch> MemoryRaftLog::append_as_leader(int32_t epoch, std::vector<Bytes> records,
                                                 bool control) {
  GREGOR_ASSERT(epoch >= last_epoch());
  GREGOR_ASSERT(!records.empty());
  LogBatch b;
  b.base_offset = end_offset();
  b.last_offset = b.base_offset + int64_t(records.size()) - 1;
  b.epoch = epoch;
  b.control = control;
  b.data = pack_records(records);
  batches_.push_back(b);
  return b;
}

Status MemoryRaftLog::append_as_follower(const std::vector<LogBatch>& batches) {
  int64_t next = end_offset();
  int32_t epoch = last_epoch();
  for (const LogBatch& b : batches) {
    if (b.base_offset != next || b.last_offset < b.base_offset || b.epoch < epoch) {
      return make_error(errc::kInvalidRequest, "non-contiguous follower append");
    }
    next = b.last_offset + 1;
    epoch = b.epoch;
  }
  batches_.insert(batches_.end(), batches.begin(), batches.end());
  return Status::OK();
}

std::vector<LogBatch> MemoryRaftLog::read(int64_t from, size_t max_bytes) const {
  std::vector<LogBatch> out;
  size_t total = 0;
  for (size_t i = index_of(from); i < batches_.size(); ++i) {
    if (!out.empty() && total + batches_[i].data.size() > max_bytes) break;
    total += batches_[i].data.size();
    out.push_back(batches_[i]);
  }
  return out;
}

Status MemoryRaftLog::truncate_to(int64_t offset) {
  GREGOR_ASSERT(offset >= start_offset_);
  size_t i = index_of(offset);
  if (i < batches_.size()) min_truncated_ = std::min(min_truncated_, batches_[i].base_offset);
  batches_.erase(batches_.begin() + ptrdiff_t(i), batches_.end());
  flushed_offset_ = std::min(flushed_offset_, end_offset());
  return Status::OK();
}

Status MemoryRaftLog::flush() {
  if (fail_next_flush_) {
    fail_next_flush_ = false;
    return make_error(errc::kKafkaStorageError, "injected fsync failure");
  }
  flushed_offset_ = end_offset();
  return Status::OK();
}

Status MemoryRaftLog::truncate_prefix_to_snapshot(SnapshotId id) {
  GREGOR_ASSERT(id.end_offset <= end_offset());
  if (id.end_offset <= start_offset_) return Status::OK();
  size_t i = index_of(id.end_offset);
  batches_.erase(batches_.begin(), batches_.begin() + ptrdiff_t(i));
  start_offset_ = id.end_offset;
  start_epoch_ = id.epoch;
  flushed_offset_ = std::max(flushed_offset_, start_offset_);
  return Status::OK();
}

Status MemoryRaftLog::reset_to_snapshot(SnapshotId id) {
  // Batches the snapshot covers are not lost; the ones past its end are.
  size_t first_lost = index_of(id.end_offset);
  if (first_lost < batches_.size()) {
    min_truncated_ = std::min(min_truncated_, batches_[first_lost].base_offset);
  }
  batches_.clear();
  ++resets_;
  start_offset_ = id.end_offset;
  start_epoch_ = id.epoch;
  flushed_offset_ = start_offset_;
  return Status::OK();
}

size_t MemoryRaftLog::unflushed_batches() const {
  return batches_.size() - index_of(flushed_offset_);
}

void MemoryRaftLog::crash(size_t keep_unflushed) {
  size_t keep = index_of(flushed_offset_) + keep_unflushed;
  if (keep < batches_.size()) batches_.erase(batches_.begin() + ptrdiff_t(keep), batches_.end());
  flushed_offset_ = end_offset();
  fail_next_flush_ = false;
}

int64_t MemoryRaftLog::take_min_truncated() {
  int64_t v = min_truncated_;
  min_truncated_ = INT64_MAX;
  return v;
}

}  // namespace gregor::raft
