// ConsoleRecord: one record as the console tools see it: what `gregor produce` parsed from a
// line of input, or what `gregor consume` read and is about to print. Null keys, values and
// header values are nullopt (distinct from empty). Plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gregor::cli {

struct ConsoleHeader {
  std::string key;
  std::optional<std::string> value;
  bool operator==(const ConsoleHeader&) const = default;
};

enum class TimestampKind { kNone, kCreateTime, kLogAppendTime };

struct ConsoleRecord {
  int32_t partition = -1;
  int64_t offset = -1;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<ConsoleHeader> headers;
  TimestampKind timestamp_kind = TimestampKind::kNone;
  int64_t timestamp = -1;
};

}  // namespace gregor::cli
