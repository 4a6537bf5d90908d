// StorageRaftLog: the RaftLog seam on the storage engine: `__cluster_metadata-0` is a Kafka log
// (segments, indexes, leader-epoch-checkpoint) like any partition. Each LogBatch's data is the
// whole Kafka record batch as stored (offsets, partition leader epoch, CRC): metadata records
// are the values of its records; a control batch (the leader's LeaderChange) holds one control
// record of type 2, as Kafka writes it. flushed_offset() is the log's recovery point.
// Thread-safety: none; owned by the node's RaftNode thread (shard 0).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "raft/raft_log.h"

namespace gregor::storage { class Log; }

namespace gregor::raft {

class StorageRaftLog final : public RaftLog {
 public:
  // Opens (creating if needed) the log in dir. snapshot: the latest snapshot, if any (the log
  // may start at its end offset).
  static Result<std::unique_ptr<StorageRaftLog>> open(const std::filesystem::path& dir,
                                                      std::optional<SnapshotId> snapshot);
  ~StorageRaftLog() override;

  int64_t start_offset() const override;
  int64_t end_offset() const override;
  int32_t last_epoch() const override;
  OffsetAndEpoch end_offset_for_epoch(int32_t epoch) const override;
  Result<LogBatch> append_as_leader(int32_t epoch, std::vector<Bytes> records, bool control) override;
  Status append_as_follower(const std::vector<LogBatch>& batches) override;
  std::vector<LogBatch> read(int64_t from, size_t max_bytes) const override;
  Status truncate_to(int64_t offset) override;
  Status flush() override;
  int64_t flushed_offset() const override;
  Status truncate_prefix_to_snapshot(SnapshotId id) override;
  Status reset_to_snapshot(SnapshotId id) override;

  // Flushes and marks a clean shutdown.
  Status close();

 private:
  StorageRaftLog() = default;
  std::unique_ptr<storage::Log> log_;
  std::optional<SnapshotId> snapshot_;
};

// Splits bytes holding whole Kafka record batches into LogBatches (a partial tail is dropped).
std::vector<LogBatch> split_batches(ByteView bytes);

}  // namespace gregor::raft
