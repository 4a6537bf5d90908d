// Config requests behind `gregor configs` and `gregor topics alter`: DescribeConfigs of one
// topic or broker, and AlterConfigs, which replaces the resource's whole set of dynamic
// values (librdkafka 2.0.2 has no IncrementalAlterConfigs; config_alter_plan.h computes the
// full set). Errors carry the Kafka error name in the message and the code as Error::code.
// Thread-safety: call from the command thread that owns rk.
#pragma once

#include <librdkafka/rdkafka.h>

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "cli/command_support.h"

namespace gregor::cli {

enum class ConfigEntityType { kTopic, kBroker };

struct ConfigEntity {
  ConfigEntityType type = ConfigEntityType::kTopic;
  std::string name;  // Topic name, or broker id in decimal.
};

// "topic orders" / "broker 1", as kafka-configs names an entity in its messages.
std::string describe_entity(const ConfigEntity& entity);

// The config source whose entries are an entity's own dynamic values: DYNAMIC_TOPIC_CONFIG
// for a topic, DYNAMIC_BROKER_CONFIG for a broker.
std::string dynamic_source_of(ConfigEntityType type);

struct ConfigSynonym {
  std::string name;
  std::optional<std::string> value;  // nullopt: sensitive or unset.
  std::string source;                // Kafka's ConfigSource name, e.g. DEFAULT_CONFIG.
};

struct ConfigEntryInfo {
  std::string name;
  std::optional<std::string> value;  // nullopt: sensitive (the broker does not say) or unset.
  std::string source;                // e.g. DYNAMIC_TOPIC_CONFIG, STATIC_BROKER_CONFIG.
  bool sensitive = false;
  bool read_only = false;
  bool is_default = false;
  std::vector<ConfigSynonym> synonyms;
};

// What an alter asks for: values to set and keys to revert to their defaults.
struct ConfigChanges {
  std::vector<KeyValue> set;
  std::vector<std::string> remove;
};

// Every config of the entity (DescribeConfigs with synonyms), sorted by name.
Result<std::vector<ConfigEntryInfo>> describe_configs(rd_kafka_t* rk, const ConfigEntity& entity, int timeout_ms);

// Makes full_set the entity's complete set of dynamic values (AlterConfigs): every dynamic
// value not in it reverts to its default.
Status replace_configs(rd_kafka_t* rk, const ConfigEntity& entity, const std::vector<KeyValue>& full_set,
                       int timeout_ms);

// Applies changes the way kafka-configs --alter does, in three steps bounded by timeout_ms in
// all: DescribeConfigs, plan_full_config (config_alter_plan.h), AlterConfigs with the result.
Status alter_configs(rd_kafka_t* rk, const ConfigEntity& entity, const ConfigChanges& changes, int timeout_ms);

}  // namespace gregor::cli
