// FileQuorumStateStore: the QuorumStateStore kept in Kafka's `quorum-state` file (JSON,
// data_version 0):
//   {"clusterId":"","leaderId":1,"leaderEpoch":2,"votedId":-1,"appliedOffset":0,
//    "currentVoters":[{"voterId":1},...],"data_version":0}
// Promises: save() writes atomically (temp file, fsync, rename, fsync of the directory) and
// returns only once durable; load() returns nullopt when the file does not exist and an error
// (KAFKA_STORAGE_ERROR) when it is unreadable or malformed; it never crashes on bad content.
// Thread-safety: none; one RaftNode uses it.
// REQUIRES: the directory of `path` exists.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "raft/quorum_state_store.h"

namespace gregor::raft {

class FileQuorumStateStore final : public QuorumStateStore {
 public:
  FileQuorumStateStore(std::filesystem::path path, std::string cluster_id,
                       std::vector<int32_t> voters)
      : path_(std::move(path)), cluster_id_(std::move(cluster_id)), voters_(std::move(voters)) {}

  Result<std::optional<QuorumStateData>> load() override;
  Status save(const QuorumStateData& state) override;

  const std::filesystem::path& path() const { return path_; }
  // The file's text for `state` (exposed for tests).
  std::string to_json(const QuorumStateData& state) const;
  // Parses the file's text; an error on anything malformed.
  static Result<QuorumStateData> parse(const std::string& text);

 private:
  std::filesystem::path path_;
  std::string cluster_id_;
  std::vector<int32_t> voters_;
};

}  // namespace gregor::raft
