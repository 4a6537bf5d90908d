// BrokerConfig: the effective broker configuration. Static values come from server.properties
// and --set (validated at start); dynamic values from AlterConfigs / IncrementalAlterConfigs
// on the broker resource (or the cluster-wide default, resource name ""). get() resolves a key
// in Kafka's order: dynamic per-broker, dynamic default, static, default.
// Also resolves a topic's effective configuration from its overrides and the broker keys.
// Thread-safety: a value type; each shard keeps its own copy, replaced on change.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "metadata/config_def.h"

namespace gregor::metadata {

struct ResolvedValue {
  std::optional<std::string> value;
  ConfigSource source = ConfigSource::kDefault;
};

class BrokerConfig {
 public:
  BrokerConfig() = default;
  // REQUIRES: every key of static_values is a known broker key with a validated value.
  explicit BrokerConfig(ConfigMap static_values) : static_(std::move(static_values)) {}

  // Validates key=value pairs: bad values are errors naming them; a key Kafka knows that Gregor
  // does not (ssl.*, zookeeper.connect, metric.reporters, ...) is left out and named in
  // ignored_keys() for one warning; any other unknown key is an error, with "did you mean ..."
  // for a near miss.
  static Result<BrokerConfig> create(const ConfigMap& raw);
  // Keys create() accepted from Kafka's catalogue without applying them.
  const std::vector<std::string>& ignored_keys() const { return ignored_; }

  ResolvedValue resolve(const std::string& key) const;
  // The effective value of a known key ("" when it has no value).
  std::string get(const std::string& key) const;
  int64_t get_long(const std::string& key) const { return parse_long(get(key)); }
  bool get_bool(const std::string& key) const { return parse_bool(get(key)); }

  // Resolves a topic key: the topic's own override, else its broker synonyms, else default.
  ResolvedValue resolve_topic(const std::string& key, const ConfigMap& topic_overrides) const;

  // Dynamic values (per-broker ones for this node and cluster defaults).
  const ConfigMap& dynamic_values() const { return dynamic_; }
  const ConfigMap& dynamic_defaults() const { return dynamic_default_; }
  void set_dynamic(ConfigMap values) { dynamic_ = std::move(values); }
  void set_dynamic_defaults(ConfigMap values) { dynamic_default_ = std::move(values); }
  const ConfigMap& static_values() const { return static_; }

 private:
  ConfigMap static_;
  ConfigMap dynamic_;
  ConfigMap dynamic_default_;
  std::vector<std::string> ignored_;
};

}  // namespace gregor::metadata
