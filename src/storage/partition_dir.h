// Partition directory names, "<topic>-<partition>" inside a log dir, and segment file names,
// "<base offset as 20 digits>.log|.index|.timeindex", as Kafka writes them. Also topic name
// validation (legal characters [a-zA-Z0-9._-], at most 249 of them, not "." or "..").
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace gregor::storage {

inline constexpr size_t kMaxTopicNameLength = 249;

// INVALID_TOPIC_EXCEPTION with a reason if name is not a legal topic name.
Status validate_topic_name(std::string_view name);

struct PartitionDirName {
  std::string topic;
  int32_t partition = 0;
  bool operator==(const PartitionDirName&) const = default;
};

std::string format_partition_dir(std::string_view topic, int32_t partition);
// Parses "<topic>-<partition>"; nullopt for anything else (including Kafka's "-delete",
// "-future" and "-stray" directories and names with an illegal topic).
std::optional<PartitionDirName> parse_partition_dir(std::string_view name);

// "00000000000000000042" for 42. REQUIRES: offset >= 0.
std::string format_offset_name(int64_t offset);
// dir / "<20 digits><suffix>", suffix e.g. ".log".
std::filesystem::path segment_file(const std::filesystem::path& dir, int64_t base_offset, std::string_view suffix);
// The base offset of a segment file name "<20 digits>.<ext>" with the given suffix.
std::optional<int64_t> parse_segment_file(std::string_view file_name, std::string_view suffix);

inline constexpr std::string_view kLogSuffix = ".log";
inline constexpr std::string_view kIndexSuffix = ".index";
inline constexpr std::string_view kTimeIndexSuffix = ".timeindex";

}  // namespace gregor::storage
