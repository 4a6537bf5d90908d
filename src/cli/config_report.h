// Output of `gregor configs describe`, in kafka-configs' layout:
//   Dynamic configs for topic orders are:
//     retention.ms=1000 sensitive=false read-only=false source=DYNAMIC_TOPIC_CONFIG synonyms={...}
// ("All configs for ..." with --all), or with --output json one array of entity objects.
// Sensitive values print as "null", as Kafka's tool prints them. Pure formatting, no I/O.
#pragma once

#include <string>
#include <vector>

#include "cli/config_admin.h"

namespace gregor::cli {

struct DescribedEntity {
  ConfigEntity entity;
  std::vector<ConfigEntryInfo> configs;  // Already filtered by select_shown_configs.
};

// What kafka-configs shows: every entry with --all, else only the entity's own dynamic values.
std::vector<ConfigEntryInfo> select_shown_configs(const std::vector<ConfigEntryInfo>& entries, ConfigEntityType type,
                                                  bool all);

// The header line and one indented line per config, each ending in '\n'.
std::string format_config_description(const DescribedEntity& described, bool all);

// [{"entity_type":"topics","entity_name":"t","configs":[{"name":..,"value":..|null,"source":..,
//   "sensitive":..,"read_only":..,"default":..,"synonyms":[{"name","value","source"}]}]}], plus '\n'.
std::string config_descriptions_json(const std::vector<DescribedEntity>& described);

}  // namespace gregor::cli
