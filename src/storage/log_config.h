// LogConfig: the per-topic settings a Log obeys, named after Kafka's topic configs, with
// Kafka's defaults. A plain value; the owner of a Log may replace it with Log::set_config.
#pragma once

#include <cstdint>
#include <limits>

namespace gregor::storage {

struct LogConfig {
  int64_t segment_bytes = 1073741824;         // segment.bytes
  int64_t segment_ms = 604800000;             // segment.ms
  int64_t retention_ms = 604800000;           // retention.ms; -1 = unlimited
  int64_t retention_bytes = -1;               // retention.bytes; -1 = unlimited
  int32_t index_interval_bytes = 4096;        // index.interval.bytes
  int32_t segment_index_bytes = 10485760;     // segment.index.bytes
  int32_t max_message_bytes = 1048588;        // max.message.bytes
  bool log_append_time = false;               // message.timestamp.type=LogAppendTime
  int64_t flush_messages = std::numeric_limits<int64_t>::max();  // flush.messages
  int64_t flush_ms = std::numeric_limits<int64_t>::max();        // flush.ms
  // CreateTime records may be at most this far behind / ahead of the broker's clock
  // (message.timestamp.before.max.ms / message.timestamp.after.max.ms); else INVALID_TIMESTAMP.
  int64_t timestamp_before_max_ms = std::numeric_limits<int64_t>::max();
  int64_t timestamp_after_max_ms = 3600000;
};

}  // namespace gregor::storage
