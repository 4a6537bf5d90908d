#include "cli/config_report.h"

#include "cli/json_output.h"

namespace gregor::cli {
namespace {

std::string or_null(const std::optional<std::string>& value) { return value ? *value : "null"; }

nlohmann::json json_value(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

std::vector<ConfigEntryInfo> select_shown_configs(const std::vector<ConfigEntryInfo>& entries, ConfigEntityType type,
                                                  bool all) {
  if (all) return entries;
  const std::string dynamic = dynamic_source_of(type);
  std::vector<ConfigEntryInfo> out;
  for (const auto& e : entries) {
    if (e.source == dynamic) out.push_back(e);
  }
  return out;
}

std::string format_config_description(const DescribedEntity& described, bool all) {
  std::string out = all ? "All" : "Dynamic";
  out += " configs for " + describe_entity(described.entity) + " are:\n";
  for (const ConfigEntryInfo& e : described.configs) {
    out += "  " + e.name + "=" + or_null(e.value);
    out += e.sensitive ? " sensitive=true" : " sensitive=false";
    out += e.read_only ? " read-only=true" : " read-only=false";
    out += " source=" + e.source + " synonyms={";
    for (size_t i = 0; i < e.synonyms.size(); ++i) {
      const ConfigSynonym& s = e.synonyms[i];
      if (i > 0) out += ", ";
      out += s.source + ":" + s.name + "=" + or_null(s.value);
    }
    out += "}\n";
  }
  return out;
}

std::string config_descriptions_json(const std::vector<DescribedEntity>& described) {
  nlohmann::json out = nlohmann::json::array();
  for (const DescribedEntity& d : described) {
    nlohmann::json configs = nlohmann::json::array();
    for (const ConfigEntryInfo& e : d.configs) {
      nlohmann::json synonyms = nlohmann::json::array();
      for (const ConfigSynonym& s : e.synonyms) {
        synonyms.push_back({{"name", s.name}, {"value", json_value(s.value)}, {"source", s.source}});
      }
      configs.push_back({{"name", e.name},
                         {"value", json_value(e.value)},
                         {"source", e.source},
                         {"sensitive", e.sensitive},
                         {"read_only", e.read_only},
                         {"default", e.is_default},
                         {"synonyms", std::move(synonyms)}});
    }
    out.push_back({{"entity_type", d.entity.type == ConfigEntityType::kTopic ? "topics" : "brokers"},
                   {"entity_name", d.entity.name},
                   {"configs", std::move(configs)}});
  }
  return dump_json(out);
}

}  // namespace gregor::cli
