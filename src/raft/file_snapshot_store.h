// FileSnapshotStore: metadata snapshots as files in the metadata log's directory, named as
// Kafka names them: `<end offset, 20 digits>-<epoch, 10 digits>.checkpoint`. The content is the
// state machine's snapshot bytes (for the metadata image: Kafka record batches of metadata
// records). Writes are atomic (temp file, fsync, rename); the two newest snapshots are kept.
// Files whose names do not parse are ignored; a half-written temp file is never read.
// Thread-safety: none; one RaftNode uses it.
#pragma once

#include <filesystem>
#include <map>

#include "raft/snapshot_store.h"

namespace gregor::raft {

class FileSnapshotStore final : public SnapshotStore {
 public:
  // Lists the snapshots in dir (created if missing).
  static Result<std::unique_ptr<FileSnapshotStore>> open(const std::filesystem::path& dir);

  std::optional<SnapshotId> latest() const override;
  Status save(SnapshotId id, Bytes data) override;
  Result<Bytes> read(SnapshotId id) const override;

  static std::string file_name(SnapshotId id);
  static std::optional<SnapshotId> parse_file_name(const std::string& name);

 private:
  explicit FileSnapshotStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
  std::map<int64_t, SnapshotId> snaps_;  // by end offset
};

}  // namespace gregor::raft
