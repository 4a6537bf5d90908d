// Offset checkpoint files of a log dir ("recovery-point-offset-checkpoint",
// "log-start-offset-checkpoint", "replication-offset-checkpoint"), Kafka's text format:
//   0                          (version)
//   <n>                        (entry count)
//   <topic> <partition> <offset>   (n lines)
// Written atomically (temp file, fsync, rename, fsync dir). A missing file reads as empty;
// a malformed one is reported as an error (KAFKA_STORAGE_ERROR) naming the problem.
// Thread-safety: pure functions; each file should have one writer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace gregor::storage {

inline constexpr char kRecoveryPointCheckpointFile[] = "recovery-point-offset-checkpoint";
inline constexpr char kLogStartOffsetCheckpointFile[] = "log-start-offset-checkpoint";
inline constexpr char kReplicationOffsetCheckpointFile[] = "replication-offset-checkpoint";

struct PartitionOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  bool operator==(const PartitionOffset&) const = default;
};

std::string format_offset_checkpoint(const std::vector<PartitionOffset>& entries);
Result<std::vector<PartitionOffset>> parse_offset_checkpoint(std::string_view text);

Status write_offset_checkpoint(const std::filesystem::path& path, const std::vector<PartitionOffset>& entries);
Result<std::vector<PartitionOffset>> read_offset_checkpoint(const std::filesystem::path& path);

// Shared helpers for Kafka's line-oriented checkpoint files.
namespace checkpoint_text {
// Splits text into lines without trailing '\r'; drops one final empty line.
std::vector<std::string_view> lines(std::string_view text);
// Whitespace-separated fields of a line.
std::vector<std::string_view> fields(std::string_view line);
bool parse_int(std::string_view s, int64_t& out);
}  // namespace checkpoint_text

}  // namespace gregor::storage
