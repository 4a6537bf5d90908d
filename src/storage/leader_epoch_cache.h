// LeaderEpochCache: which leader epoch began at which offset, for one partition, persisted
// in the partition dir's "leader-epoch-checkpoint" in Kafka's text format:
//   0                 (version)
//   <n>               (entry count)
//   <epoch> <start offset>   (n lines, epochs and offsets increasing)
// The Log assigns an entry when an append carries a higher epoch (or a leader starts one),
// truncates the tail when the log is truncated and the head when the log start offset moves.
// Changes are made in memory and written by persist(), which the Log calls before it advances
// its recovery point (flush) and at close: an entry is durable before any flushed data needs
// it, and what a crash loses is above the recovery point, where recovery reassigns epochs
// from the batches it scans and drops entries past the log end. (Kafka fsyncs the file on
// every assignment; on a restart of 1,000 partitions that was 2,000 fsyncs on the event loops.)
// Thread-safety: owned by the Log's shard thread; not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "base/result.h"

namespace gregor::storage {

struct EpochEntry {
  int32_t epoch;
  int64_t start_offset;
  bool operator==(const EpochEntry&) const = default;
};

inline constexpr char kLeaderEpochCheckpointFile[] = "leader-epoch-checkpoint";

class LeaderEpochCache {
 public:
  // Loads the file if present. A malformed file is reported as an error; the caller may
  // choose to start empty (recovery reassigns epochs from the batches it scans).
  static Result<std::unique_ptr<LeaderEpochCache>> open(std::filesystem::path path);
  // An empty cache that will write to path.
  static std::unique_ptr<LeaderEpochCache> empty(std::filesystem::path path);

  const std::vector<EpochEntry>& entries() const { return entries_; }
  std::optional<EpochEntry> latest() const;

  // Records that epoch starts at start_offset. No-op unless epoch is higher than the latest;
  // entries starting at or after start_offset are replaced (a rewritten tail).
  void assign(int32_t epoch, int64_t start_offset);
  // Drops entries that start at or after end_offset (log truncated to end_offset).
  void truncate_from_end(int64_t end_offset);
  // Log start moved to start_offset: drops entries wholly before it and moves the start of
  // the entry covering it up to start_offset.
  void truncate_from_start(int64_t start_offset);
  void clear();
  // Writes the file (atomically, durably) unless it already holds exactly these entries.
  // Until then the file may hold an earlier state.
  Status persist();

  // OffsetsForLeaderEpoch: (the largest epoch <= epoch, the offset where it ended); for the
  // latest epoch the end is log_end_offset; (-1, -1) if epoch is before the first entry or
  // after the latest.
  std::pair<int32_t, int64_t> end_offset_for(int32_t epoch, int64_t log_end_offset) const;

 private:
  explicit LeaderEpochCache(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
  std::vector<EpochEntry> entries_;
  std::optional<std::vector<EpochEntry>> on_disk_;  // what the file holds, when known
};

// Parses the text format; an error (KAFKA_STORAGE_ERROR) describes what is malformed.
Result<std::vector<EpochEntry>> parse_leader_epoch_checkpoint(std::string_view text);
std::string format_leader_epoch_checkpoint(const std::vector<EpochEntry>& entries);

}  // namespace gregor::storage
