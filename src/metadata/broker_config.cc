#include "metadata/broker_config.h"

#include <fmt/format.h>

#include "metadata/kafka_keys.h"

namespace gregor::metadata {

Result<BrokerConfig> BrokerConfig::create(const ConfigMap& raw) {
  ConfigMap values;
  std::vector<std::string> ignored;
  for (const auto& [k, v] : raw) {
    const ConfigKey* key = find_broker_key(k);
    if (!key && is_kafka_broker_key(k)) {
      ignored.push_back(k);
      continue;
    }
    if (!key) {
      auto near = suggest_broker_key(k);
      return make_error(40, near.empty() ? fmt::format("Unknown configuration key '{}'", k)
                                         : fmt::format("Unknown configuration key '{}' (did you mean '{}'?)", k, near));
    }
    auto valid = validate_value(*key, v);
    if (!valid.ok()) return valid.error();
    values[k] = *valid;
  }
  BrokerConfig out(std::move(values));
  out.ignored_ = std::move(ignored);
  return out;
}

ResolvedValue BrokerConfig::resolve(const std::string& key) const {
  if (auto it = dynamic_.find(key); it != dynamic_.end()) return {it->second, ConfigSource::kDynamicBroker};
  if (auto it = dynamic_default_.find(key); it != dynamic_default_.end())
    return {it->second, ConfigSource::kDynamicDefaultBroker};
  if (auto it = static_.find(key); it != static_.end()) return {it->second, ConfigSource::kStaticBroker};
  const ConfigKey* def = find_broker_key(key);
  if (!def) return {std::nullopt, ConfigSource::kUnknown};
  return {def->default_value, ConfigSource::kDefault};
}

std::string BrokerConfig::get(const std::string& key) const { return resolve(key).value.value_or(""); }

ResolvedValue BrokerConfig::resolve_topic(const std::string& key, const ConfigMap& topic_overrides) const {
  if (auto it = topic_overrides.find(key); it != topic_overrides.end()) return {it->second, ConfigSource::kTopic};
  const ConfigKey* def = find_topic_key(key);
  if (!def) return {std::nullopt, ConfigSource::kUnknown};
  for (size_t i = 0; i < def->synonyms.size(); ++i) {
    const auto& broker_key = def->synonyms[i];
    auto r = resolve(broker_key);
    if (r.source == ConfigSource::kDefault || !r.value) continue;
    // Convert units for the hour/minute synonyms of millisecond topic keys.
    std::string v = *r.value;
    if (broker_key.ends_with(".hours")) v = std::to_string(parse_long(v) * 3600000);
    if (broker_key.ends_with(".minutes")) v = std::to_string(parse_long(v) * 60000);
    return {v, r.source};
  }
  // The broker key's own default can differ from the topic default only in unit (hours), so
  // fall back to the topic key's default.
  return {def->default_value, ConfigSource::kDefault};
}

}  // namespace gregor::metadata
