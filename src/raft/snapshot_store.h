// SnapshotStore: the seam to durable state-machine snapshots, named by SnapshotId
// (end offset and epoch). Promises: save() is durable and atomic on return (a reader never
// sees half a snapshot); latest() is the saved snapshot with the largest end offset.
// MemorySnapshotStore keeps them in memory (durable across simulated crashes) and keeps only
// the latest few.
// Thread-safety: none; one RaftNode uses it.
#pragma once

#include <map>
#include <optional>
#include <utility>

#include "base/bytes.h"
#include "base/result.h"
#include "raft/types.h"

namespace gregor::raft {

class SnapshotStore {
 public:
  virtual ~SnapshotStore() = default;
  virtual std::optional<SnapshotId> latest() const = 0;
  virtual Status save(SnapshotId id, Bytes data) = 0;
  virtual Result<Bytes> read(SnapshotId id) const = 0;
};

class MemorySnapshotStore final : public SnapshotStore {
 public:
  std::optional<SnapshotId> latest() const override {
    if (snaps_.empty()) return std::nullopt;
    return snaps_.rbegin()->second.first;
  }
  Status save(SnapshotId id, Bytes data) override {
    snaps_[id.end_offset] = {id, std::move(data)};
    while (snaps_.size() > 2) snaps_.erase(snaps_.begin());
    return Status::OK();
  }
  Result<Bytes> read(SnapshotId id) const override {
    auto it = snaps_.find(id.end_offset);
    if (it == snaps_.end() || !(it->second.first == id)) {
      return make_error(errc::kSnapshotNotFound, "no such snapshot");
    }
    return it->second.second;
  }

 private:
  std::map<int64_t, std::pair<SnapshotId, Bytes>> snaps_;
};

}  // namespace gregor::raft
