#include "metadata/log_config.h"

namespace gregor::metadata {

storage::LogConfig make_log_config(const BrokerConfig& broker, const ConfigMap& topic) {
  auto get = [&](const char* key) { return broker.resolve_topic(key, topic).value.value_or(""); };
  auto num = [&](const char* key, int64_t fallback) {
    auto v = get(key);
    return v.empty() ? fallback : parse_long(v);
  };
  storage::LogConfig c;
  c.segment_bytes = num("segment.bytes", c.segment_bytes);
  c.segment_ms = num("segment.ms", c.segment_ms);
  c.retention_ms = num("retention.ms", c.retention_ms);
  c.retention_bytes = num("retention.bytes", c.retention_bytes);
  c.index_interval_bytes = int32_t(num("index.interval.bytes", c.index_interval_bytes));
  c.segment_index_bytes = int32_t(num("segment.index.bytes", c.segment_index_bytes));
  c.max_message_bytes = int32_t(num("max.message.bytes", c.max_message_bytes));
  c.log_append_time = get("message.timestamp.type") == "LogAppendTime";
  c.flush_messages = num("flush.messages", c.flush_messages);
  c.flush_ms = num("flush.ms", c.flush_ms);
  c.timestamp_before_max_ms = num("message.timestamp.before.max.ms", c.timestamp_before_max_ms);
  c.timestamp_after_max_ms = num("message.timestamp.after.max.ms", c.timestamp_after_max_ms);
  return c;
}

}  // namespace gregor::metadata
