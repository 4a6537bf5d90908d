// MemoryRaftLog: a RaftLog kept in memory that models a disk for the simulator and unit
// tests. It tracks the flushed prefix: crash(keep) forgets every batch above the flushed
// offset except the first `keep` unflushed ones (the simulator picks `keep` at random, the
// "cut tail" of a crash). Truncations and prefix removal are durable at once.
// Test hooks: fail_next_flush() makes the next flush() fail with KAFKA_STORAGE_ERROR.
// Thread-safety: none.
#pragma once

#include <deque>

#include "raft/raft_log.h"

namespace gregor::raft {

class MemoryRaftLog final : public RaftLog {
 public:
  int64_t start_offset() const override { return start_offset_; }
  int64_t end_offset() const override {
    return batches_.empty() ? start_offset_ : batches_.back().last_offset + 1;
  }
  int32_t last_epoch() const override {
    return batches_.empty() ? start_epoch_ : batches_.back().epoch;
  }
  OffsetAndEpoch end_offset_for_epoch(int32_t epoch) const override;
  Result<LogBatch> append_as_leader(int32_t epoch, std::vector<Bytes> records,
                                    bool control) override;
  Status append_as_follower(const std::vector<LogBatch>& batches) override;
  std::vector<LogBatch> read(int64_t from, size_t max_bytes) const override;
  Status truncate_to(int64_t offset) override;
  Status flush() override;
  int64_t flushed_offset() const override { return flushed_offset_; }
  Status truncate_prefix_to_snapshot(SnapshotId id) override;
  Status reset_to_snapshot(SnapshotId id) override;

  // Simulated crash: keeps the flushed prefix and the first `keep_unflushed` unflushed batches.
  void crash(size_t keep_unflushed);
  size_t unflushed_batches() const;
  void fail_next_flush() { fail_next_flush_ = true; }
  // The batch holding `offset`, or nullptr.
  const LogBatch* batch_at(int64_t offset) const;
  const std::deque<LogBatch>& batches() const { return batches_; }
  // Lowest offset removed by truncate_to/reset since the last take (INT64_MAX if none).
  int64_t take_min_truncated();
  int64_t resets() const { return resets_; }  // reset_to_snapshot calls (snapshot installs)

 private:
  size_t index_of(int64_t offset) const;  // first batch with last_offset >= offset

  std::deque<LogBatch> batches_;
  int64_t start_offset_ = 0;
  int32_t start_epoch_ = 0;
  int64_t flushed_offset_ = 0;
  bool fail_next_flush_ = false;
  int64_t min_truncated_ = INT64_MAX;
  int64_t resets_ = 0;
};

}  // namespace gregor::raft
