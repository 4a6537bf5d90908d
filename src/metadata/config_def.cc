#include "metadata/config_def.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fmt/format.h>

namespace gregor::metadata {
namespace {

using T = ConfigType;
constexpr int64_t kI32Max = 2147483647;
constexpr int64_t kI64Max = INT64_MAX;

ConfigKey key(std::string name, T type, std::optional<std::string> def, int64_t min = INT64_MIN,
              int64_t max = INT64_MAX) {
  ConfigKey k;
  k.name = std::move(name);
  k.type = type;
  k.default_value = std::move(def);
  k.min = min;
  k.max = max;
  if (type == T::kInt && max == INT64_MAX) k.max = kI32Max;
  if (type == T::kInt && min == INT64_MIN) k.min = -kI32Max - 1;
  return k;
}
ConfigKey dyn(ConfigKey k) { k.dynamic = true; return k; }
ConfigKey one_of(ConfigKey k, std::vector<std::string> allowed) { k.allowed = std::move(allowed); return k; }
ConfigKey syn(ConfigKey k, std::vector<std::string> synonyms) { k.synonyms = std::move(synonyms); return k; }
ConfigKey inert(ConfigKey k) { k.inert = true; return k; }

const std::vector<std::string> kCompression = {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"};
const std::vector<std::string> kCleanup = {"delete", "compact", ""};
const std::vector<std::string> kTimestampType = {"CreateTime", "LogAppendTime"};

std::vector<ConfigKey> make_broker_keys() {
  return {
      // Identity and KRaft.
      one_of(key("process.roles", T::kList, std::nullopt), {"broker", "controller"}),
      key("node.id", T::kInt, std::string("-1"), -1),
      key("broker.id", T::kInt, std::string("-1"), -1),
      key("cluster.id", T::kString, std::nullopt),
      key("controller.listener.names", T::kList, std::nullopt),
      key("controller.quorum.voters", T::kList, std::string("")),
      key("controller.quorum.bootstrap.servers", T::kList, std::string("")),
      key("controller.quorum.election.timeout.ms", T::kInt, std::string("1000"), 0),
      key("controller.quorum.fetch.timeout.ms", T::kInt, std::string("2000"), 0),
      key("controller.quorum.election.backoff.max.ms", T::kInt, std::string("1000"), 0),
      key("controller.quorum.request.timeout.ms", T::kInt, std::string("2000"), 0),
      key("controller.quorum.retry.backoff.ms", T::kInt, std::string("20"), 0),
      key("metadata.log.max.record.bytes.between.snapshots", T::kLong, std::string("20971520"), 1),
      key("broker.heartbeat.interval.ms", T::kInt, std::string("2000"), 1),
      key("broker.session.timeout.ms", T::kInt, std::string("9000"), 1),
      key("broker.rack", T::kString, std::nullopt),
      // Network.
      key("listeners", T::kList, std::string("PLAINTEXT://:9092")),
      key("advertised.listeners", T::kList, std::nullopt),
      key("listener.security.protocol.map", T::kList,
          std::string("CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL")),
      key("inter.broker.listener.name", T::kString, std::nullopt),
      key("security.inter.broker.protocol", T::kString, std::string("PLAINTEXT")),
      key("num.network.threads", T::kInt, std::string("3"), 1),
      key("num.io.threads", T::kInt, std::string("8"), 1),
      key("socket.request.max.bytes", T::kInt, std::string("104857600"), 1),
      key("socket.send.buffer.bytes", T::kInt, std::string("102400")),
      key("socket.receive.buffer.bytes", T::kInt, std::string("102400")),
      key("queued.max.requests", T::kInt, std::string("500"), 1),
      key("max.connections", T::kInt, std::string("2147483647"), 0),
      key("max.connections.per.ip", T::kInt, std::string("2147483647"), 0),
      key("max.connections.per.ip.overrides", T::kString, std::string("")),
      key("connections.max.idle.ms", T::kLong, std::string("600000")),
      // Kafka's default is -1 (unbounded); Gregor bounds the bytes of requests in flight by default.
      key("max.request.partition.size.limit", T::kInt, std::string("2000"), 1),
      key("queued.max.request.bytes", T::kLong, std::string("268435456"), -1),
      // Storage.
      key("log.dirs", T::kList, std::nullopt),
      key("log.dir", T::kList, std::string("/tmp/kafka-logs")),
      dyn(key("num.partitions", T::kInt, std::string("1"), 1)),
      dyn(key("log.segment.bytes", T::kInt, std::string("1073741824"), 14)),
      dyn(key("log.roll.ms", T::kLong, std::nullopt, 1)),
      key("log.roll.hours", T::kInt, std::string("168"), 1),
      dyn(key("log.roll.jitter.ms", T::kLong, std::nullopt, 0)),
      key("log.roll.jitter.hours", T::kInt, std::string("0"), 0),
      dyn(key("log.retention.ms", T::kLong, std::nullopt, -1)),
      key("log.retention.minutes", T::kInt, std::nullopt),
      key("log.retention.hours", T::kInt, std::string("168")),
      dyn(key("log.retention.bytes", T::kLong, std::string("-1"))),
      key("log.retention.check.interval.ms", T::kLong, std::string("300000"), 1),
      dyn(one_of(key("log.cleanup.policy", T::kList, std::string("delete")), {"delete", "compact"})),
      dyn(key("log.index.interval.bytes", T::kInt, std::string("4096"), 0)),
      dyn(key("log.index.size.max.bytes", T::kInt, std::string("10485760"), 4)),
      dyn(key("log.flush.interval.messages", T::kLong, std::to_string(kI64Max), 1)),
      dyn(key("log.flush.interval.ms", T::kLong, std::nullopt)),
      key("log.flush.scheduler.interval.ms", T::kLong, std::to_string(kI64Max)),
      dyn(key("log.segment.delete.delay.ms", T::kLong, std::string("60000"), 0)),
      dyn(key("log.preallocate", T::kBoolean, std::string("false"))),
      key("num.recovery.threads.per.data.dir", T::kInt, std::string("2"), 1),
      dyn(key("message.max.bytes", T::kInt, std::string("1048588"), 0)),
      dyn(one_of(key("compression.type", T::kString, std::string("producer")), kCompression)),
      dyn(one_of(key("log.message.timestamp.type", T::kString, std::string("CreateTime")), kTimestampType)),
      dyn(key("log.message.timestamp.before.max.ms", T::kLong, std::to_string(kI64Max), 0)),
      dyn(key("log.message.timestamp.after.max.ms", T::kLong, std::string("3600000"), 0)),
      dyn(key("log.cleaner.delete.retention.ms", T::kLong, std::string("86400000"), 0)),
      dyn(key("log.cleaner.min.compaction.lag.ms", T::kLong, std::string("0"), 0)),
      dyn(key("log.cleaner.max.compaction.lag.ms", T::kLong, std::to_string(kI64Max), 1)),
      dyn(key("log.cleaner.min.cleanable.ratio", T::kDouble, std::string("0.5"), 0, 1)),
      key("log.cleaner.threads", T::kInt, std::string("1"), 0),
      key("log.cleaner.dedupe.buffer.size", T::kLong, std::string("134217728")),
      key("log.cleaner.enable", T::kBoolean, std::string("true")),
      // Replication.
      key("default.replication.factor", T::kInt, std::string("1"), 1),
      dyn(key("min.insync.replicas", T::kInt, std::string("1"), 1)),
      dyn(key("unclean.leader.election.enable", T::kBoolean, std::string("false"))),
      key("replica.lag.time.max.ms", T::kLong, std::string("30000"), 1),
      key("num.replica.fetchers", T::kInt, std::string("1"), 1),
      key("replica.fetch.max.bytes", T::kInt, std::string("1048576"), 0),
      key("replica.fetch.wait.max.ms", T::kInt, std::string("500"), 0),
      key("replica.fetch.min.bytes", T::kInt, std::string("1"), 1),
      key("replica.socket.timeout.ms", T::kInt, std::string("30000")),
      key("replica.fetch.response.max.bytes", T::kInt, std::string("10485760"), 0),
      key("replica.fetch.backoff.ms", T::kInt, std::string("1000"), 0),
      key("replica.high.watermark.checkpoint.interval.ms", T::kLong, std::string("5000"), 1),
      key("auto.leader.rebalance.enable", T::kBoolean, std::string("true")),
      key("leader.imbalance.check.interval.seconds", T::kLong, std::string("300"), 1),
      key("leader.imbalance.per.broker.percentage", T::kInt, std::string("10")),
      key("controlled.shutdown.enable", T::kBoolean, std::string("true")),
      // Topics and coordinators.
      key("auto.create.topics.enable", T::kBoolean, std::string("true")),
      key("delete.topic.enable", T::kBoolean, std::string("true")),
      key("offsets.topic.replication.factor", T::kShort, std::string("3"), 1, 32767),
      key("offsets.topic.num.partitions", T::kInt, std::string("50"), 1),
      key("offsets.topic.segment.bytes", T::kInt, std::string("104857600"), 1),
      key("offsets.retention.minutes", T::kInt, std::string("10080"), 1),
      key("offsets.retention.check.interval.ms", T::kLong, std::string("600000"), 1),
      key("offsets.commit.timeout.ms", T::kInt, std::string("5000"), 1),
      key("offset.metadata.max.bytes", T::kInt, std::string("4096"), 0),
      key("group.initial.rebalance.delay.ms", T::kInt, std::string("3000"), 0),
      key("group.min.session.timeout.ms", T::kInt, std::string("6000")),
      key("group.max.session.timeout.ms", T::kInt, std::string("1800000")),
      key("group.max.size", T::kInt, std::string("2147483647"), 1),
      key("transaction.state.log.replication.factor", T::kShort, std::string("3"), 1, 32767),
      key("transaction.state.log.min.isr", T::kInt, std::string("2"), 1),
      key("transaction.state.log.num.partitions", T::kInt, std::string("50"), 1),
      key("transaction.max.timeout.ms", T::kInt, std::string("900000"), 1),
      key("transactional.id.expiration.ms", T::kInt, std::string("604800000"), 1),
      key("transaction.state.log.segment.bytes", T::kInt, std::string("104857600"), 1),
      key("transaction.abort.timed.out.transaction.cleanup.interval.ms", T::kInt, std::string("10000"), 1),
      key("transaction.remove.expired.transaction.cleanup.interval.ms", T::kInt, std::string("3600000"), 1),
      key("producer.id.expiration.ms", T::kInt, std::string("86400000"), 1),
      key("producer.id.expiration.check.interval.ms", T::kInt, std::string("600000"), 1),
      key("metadata.log.dir", T::kString, std::nullopt),
      key("metadata.max.retention.bytes", T::kLong, std::string("104857600")),
  };
}

std::vector<ConfigKey> make_topic_keys() {
  return {
      syn(one_of(key("cleanup.policy", T::kList, std::string("delete")), kCleanup), {"log.cleanup.policy"}),
      syn(one_of(key("compression.type", T::kString, std::string("producer")), kCompression), {"compression.type"}),
      syn(key("delete.retention.ms", T::kLong, std::string("86400000"), 0), {"log.cleaner.delete.retention.ms"}),
      syn(key("file.delete.delay.ms", T::kLong, std::string("60000"), 0), {"log.segment.delete.delay.ms"}),
      syn(key("flush.messages", T::kLong, std::to_string(kI64Max), 1), {"log.flush.interval.messages"}),
      syn(key("flush.ms", T::kLong, std::to_string(kI64Max), 0), {"log.flush.interval.ms"}),
      syn(key("index.interval.bytes", T::kInt, std::string("4096"), 0), {"log.index.interval.bytes"}),
      syn(key("max.compaction.lag.ms", T::kLong, std::to_string(kI64Max), 1), {"log.cleaner.max.compaction.lag.ms"}),
      syn(key("max.message.bytes", T::kInt, std::string("1048588"), 0), {"message.max.bytes"}),
      syn(key("message.timestamp.after.max.ms", T::kLong, std::string("3600000"), 0),
          {"log.message.timestamp.after.max.ms"}),
      syn(key("message.timestamp.before.max.ms", T::kLong, std::to_string(kI64Max), 0),
          {"log.message.timestamp.before.max.ms"}),
      syn(one_of(key("message.timestamp.type", T::kString, std::string("CreateTime")), kTimestampType),
          {"log.message.timestamp.type"}),
      syn(key("min.cleanable.dirty.ratio", T::kDouble, std::string("0.5"), 0, 1), {"log.cleaner.min.cleanable.ratio"}),
      syn(key("min.compaction.lag.ms", T::kLong, std::string("0"), 0), {"log.cleaner.min.compaction.lag.ms"}),
      syn(key("min.insync.replicas", T::kInt, std::string("1"), 1), {"min.insync.replicas"}),
      syn(key("preallocate", T::kBoolean, std::string("false")), {"log.preallocate"}),
      syn(key("retention.bytes", T::kLong, std::string("-1")), {"log.retention.bytes"}),
      syn(key("retention.ms", T::kLong, std::string("604800000"), -1),
          {"log.retention.ms", "log.retention.minutes", "log.retention.hours"}),
      syn(key("segment.bytes", T::kInt, std::string("1073741824"), 14), {"log.segment.bytes"}),
      syn(key("segment.index.bytes", T::kInt, std::string("10485760"), 4), {"log.index.size.max.bytes"}),
      syn(key("segment.jitter.ms", T::kLong, std::string("0"), 0), {"log.roll.jitter.ms", "log.roll.jitter.hours"}),
      syn(key("segment.ms", T::kLong, std::string("604800000"), 1), {"log.roll.ms", "log.roll.hours"}),
      syn(key("unclean.leader.election.enable", T::kBoolean, std::string("false")), {"unclean.leader.election.enable"}),
      // Topic keys Kafka 3.x accepts that do nothing here: message format v0/v1 and down-conversion
      // (Gregor stores and serves v2 only), tiered storage, replication throttles. Accepted,
      // described, and a warning when set, so tools written for Kafka 3.x keep working.
      inert(key("message.format.version", T::kString, std::string("3.0-IV1"))),
      inert(key("message.downconversion.enable", T::kBoolean, std::string("true"))),
      inert(key("message.timestamp.difference.max.ms", T::kLong, std::to_string(kI64Max), 0)),
      inert(key("follower.replication.throttled.replicas", T::kList, std::string(""))),
      inert(key("leader.replication.throttled.replicas", T::kList, std::string(""))),
      inert(key("remote.storage.enable", T::kBoolean, std::string("false"))),
      inert(key("local.retention.ms", T::kLong, std::string("-2"), -2)),
      inert(key("local.retention.bytes", T::kLong, std::string("-2"), -2)),
  };
}

const ConfigKey* find_in(const std::vector<ConfigKey>& keys, std::string_view name) {
  for (const auto& k : keys)
    if (k.name == name) return &k;
  return nullptr;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

const std::vector<ConfigKey>& broker_keys() {
  static const std::vector<ConfigKey> keys = make_broker_keys();
  return keys;
}
const std::vector<ConfigKey>& topic_keys() {
  static const std::vector<ConfigKey> keys = make_topic_keys();
  return keys;
}
const ConfigKey* find_broker_key(std::string_view name) { return find_in(broker_keys(), name); }
const ConfigKey* find_topic_key(std::string_view name) { return find_in(topic_keys(), name); }

int64_t parse_long(const std::string& value) { return std::strtoll(value.c_str(), nullptr, 10); }
bool parse_bool(const std::string& value) { return value == "true" || value == "TRUE" || value == "True"; }
double parse_double(const std::string& value) { return std::strtod(value.c_str(), nullptr); }

std::vector<std::string> parse_list(const std::string& value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string::npos) comma = value.size();
    auto item = trim(std::string_view(value).substr(start, comma - start));
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

Result<std::string> validate_value(const ConfigKey& key, std::string_view raw) {
  std::string value = trim(raw);
  auto invalid = [&](std::string_view why) {
    return make_error(40, fmt::format("Invalid value {} for configuration {}: {}", value, key.name, why));
  };
  switch (key.type) {
    case T::kBoolean: {
      std::string lower = value;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      if (lower != "true" && lower != "false") return invalid("Expected value to be either true or false");
      return lower;
    }
    case T::kInt:
    case T::kShort:
    case T::kLong: {
      if (value.empty()) return invalid("Not a number");
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(value.c_str(), &end, 10);
      if (errno != 0 || end != value.c_str() + value.size()) return invalid("Not a number of type " +
                                                                            std::string(key.type == T::kLong ? "LONG" : "INT"));
      int64_t lo = key.min, hi = key.max;
      if (key.type == T::kShort) { lo = std::max<int64_t>(lo, -32768); hi = std::min<int64_t>(hi, 32767); }
      if (v < lo) return invalid(fmt::format("Value must be at least {}", lo));
      if (v > hi) return invalid(fmt::format("Value must be no more than {}", hi));
      return value;
    }
    case T::kDouble: {
      char* end = nullptr;
      double d = std::strtod(value.c_str(), &end);
      if (value.empty() || end != value.c_str() + value.size()) return invalid("Not a number of type DOUBLE");
      if (d < double(key.min) || d > double(key.max)) return invalid("Value out of range");
      return value;
    }
    case T::kList: {
      if (!key.allowed.empty()) {
        for (const auto& item : parse_list(value))
          if (std::find(key.allowed.begin(), key.allowed.end(), item) == key.allowed.end())
            return invalid(fmt::format("String must be one of: {}", fmt::join(key.allowed, ", ")));
      }
      return value;
    }
    default: {
      if (!key.allowed.empty() && std::find(key.allowed.begin(), key.allowed.end(), value) == key.allowed.end())
        return invalid(fmt::format("String must be one of: {}", fmt::join(key.allowed, ", ")));
      return value;
    }
  }
}

}  // namespace gregor::metadata
