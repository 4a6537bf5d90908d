// RaftLog: the seam to the replicated log of record batches (the real adapter stores
// __cluster_metadata-0 in the storage engine; MemoryRaftLog models a disk for the simulator).
// Promises: offsets are dense and increasing; every batch carries the epoch of the leader
// that wrote it and epochs never decrease along the log; data below flushed_offset() survives
// a crash, data above it may not; truncations and prefix removals are durable on return.
// Thread-safety: none; owned and called by one RaftNode on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "raft/types.h"

namespace gregor::raft {

class RaftLog {
 public:
  virtual ~RaftLog() = default;

  // First offset still in the log (a snapshot covers everything below it).
  virtual int64_t start_offset() const = 0;
  // Log end offset (LEO): the offset the next batch gets.
  virtual int64_t end_offset() const = 0;
  // Epoch of the last batch; the snapshot's epoch if the log is empty after a snapshot; 0 if
  // there is neither.
  virtual int32_t last_epoch() const = 0;
  // Kafka's OffsetsForLeaderEpoch: the largest epoch <= `epoch` known to the log (batches, or
  // the snapshot at the log start) and the offset where it ends (the base offset of the first
  // batch of a later epoch, or the LEO). {-1, -1} if no such epoch is known.
  virtual OffsetAndEpoch end_offset_for_epoch(int32_t epoch) const = 0;

  // Appends one batch holding `records` at the LEO, written in `epoch`.
  // REQUIRES: epoch >= last_epoch(); records non-empty.
  virtual Result<LogBatch> append_as_leader(int32_t epoch, std::vector<Bytes> records,
                                            bool control) = 0;
  // Appends batches fetched from the leader. REQUIRES: batches[0].base_offset == end_offset(),
  // contiguous, epochs non-decreasing and >= last_epoch(). Returns an error otherwise.
  virtual Status append_as_follower(const std::vector<LogBatch>& batches) = 0;
  // Whole batches from the one containing `from`, at least one if any exists, then more while
  // their total data size stays within max_bytes.
  virtual std::vector<LogBatch> read(int64_t from, size_t max_bytes) const = 0;
  // Removes every batch that ends at or after `offset` (so end_offset() <= offset after).
  // REQUIRES: offset >= start_offset().
  virtual Status truncate_to(int64_t offset) = 0;

  virtual Status flush() = 0;
  virtual int64_t flushed_offset() const = 0;

  // Drops batches below id.end_offset (they are in the snapshot); start_offset becomes
  // id.end_offset. REQUIRES: id.end_offset <= end_offset().
  virtual Status truncate_prefix_to_snapshot(SnapshotId id) = 0;
  // Drops everything and restarts the log at the snapshot: start = end = id.end_offset,
  // last_epoch = id.epoch (a follower that installed a fetched snapshot).
  virtual Status reset_to_snapshot(SnapshotId id) = 0;
};

}  // namespace gregor::raft
