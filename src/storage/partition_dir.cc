#include "storage/partition_dir.h"

#include <charconv>

#include <fmt/format.h>

#include "model/error_code.h"

namespace gregor::storage {

Status validate_topic_name(std::string_view name) {
  using model::ErrorCode;
  if (name.empty()) return model::make_error(ErrorCode::INVALID_TOPIC_EXCEPTION, "topic name is empty");
  if (name == "." || name == "..")
    return model::make_error(ErrorCode::INVALID_TOPIC_EXCEPTION, "topic name cannot be '.' or '..'");
  if (name.size() > kMaxTopicNameLength)
    return model::make_error(ErrorCode::INVALID_TOPIC_EXCEPTION,
                             fmt::format("topic name is longer than {} characters", kMaxTopicNameLength));
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-';
    if (!ok)
      return model::make_error(ErrorCode::INVALID_TOPIC_EXCEPTION,
                               fmt::format("topic name '{}' has an illegal character", name));
  }
  return Status::OK();
}

std::string format_partition_dir(std::string_view topic, int32_t partition) {
  return fmt::format("{}-{}", topic, partition);
}

std::optional<PartitionDirName> parse_partition_dir(std::string_view name) {
  auto dash = name.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == name.size()) return std::nullopt;
  std::string_view num = name.substr(dash + 1);
  int32_t p = 0;
  auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), p);
  if (ec != std::errc() || end != num.data() + num.size() || p < 0 || num[0] == '+') return std::nullopt;
  std::string_view topic = name.substr(0, dash);
  if (!validate_topic_name(topic).ok()) return std::nullopt;
  return PartitionDirName{std::string(topic), p};
}

std::string format_offset_name(int64_t offset) { return fmt::format("{:020d}", offset); }

std::filesystem::path segment_file(const std::filesystem::path& dir, int64_t base_offset, std::string_view suffix) {
  return dir / (format_offset_name(base_offset) + std::string(suffix));
}

std::optional<int64_t> parse_segment_file(std::string_view file_name, std::string_view suffix) {
  if (file_name.size() != 20 + suffix.size() || file_name.substr(20) != suffix) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(file_name.data(), file_name.data() + 20, v);
  if (ec != std::errc() || end != file_name.data() + 20 || v < 0) return std::nullopt;
  return v;
}

}  // namespace gregor::storage
