// partition.metadata: the topic id of a partition dir, as Kafka writes it:
//   version: 0
//   topic_id: <topic uuid, base64url without padding (22 characters)>
// The id is kept as 16 raw bytes here; model/ will give it a strong type.
// Thread-safety: pure functions; one writer per file.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace gregor::storage {

inline constexpr char kPartitionMetadataFile[] = "partition.metadata";

using TopicIdBytes = std::array<uint8_t, 16>;

std::string uuid_to_base64url(const TopicIdBytes& id);
std::optional<TopicIdBytes> uuid_from_base64url(std::string_view s);

std::string format_partition_metadata(const TopicIdBytes& topic_id);
Result<TopicIdBytes> parse_partition_metadata(std::string_view text);

Status write_partition_metadata(const std::filesystem::path& partition_dir, const TopicIdBytes& topic_id);
Result<TopicIdBytes> read_partition_metadata(const std::filesystem::path& partition_dir);

}  // namespace gregor::storage
