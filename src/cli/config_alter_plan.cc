#include "cli/config_alter_plan.h"

#include <map>
#include <set>

namespace gregor::cli {
namespace {

std::string join(const std::set<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) {
    if (!out.empty()) out += ',';
    out += k;
  }
  return out;
}

}  // namespace

Result<std::vector<KeyValue>> parse_add_config(std::string_view text) {
  std::vector<std::string> entries;
  std::string current;
  int depth = 0;
  for (char c : text) {
    if (c == '[') ++depth;
    if (c == ']' && --depth < 0) return make_error(0, "unbalanced ']' in config list '" + std::string(text) + "'");
    if (c == ',' && depth == 0) {
      entries.push_back(std::move(current));
      current.clear();
      continue;
    }
    current += c;
  }
  if (depth != 0) return make_error(0, "unbalanced '[' in config list '" + std::string(text) + "'");
  entries.push_back(std::move(current));
  std::vector<KeyValue> out;
  for (const std::string& entry : entries) {
    if (entry.empty()) continue;  // "a=1," or an empty flag value.
    auto kv = parse_key_value(entry);
    if (!kv) return kv.error();
    std::string& value = kv->second;
    if (value.size() >= 2 && value.front() == '[' && value.back() == ']') value = value.substr(1, value.size() - 2);
    out.push_back(std::move(kv.value()));
  }
  if (out.empty()) return make_error(0, "no key=value in config list '" + std::string(text) + "'");
  return out;
}

Result<std::vector<std::string>> parse_delete_config(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    if (comma > start) out.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  if (out.empty()) return make_error(0, "no config key in '" + std::string(text) + "'");
  return out;
}

Result<std::vector<KeyValue>> plan_full_config(const std::vector<ConfigEntryInfo>& current,
                                               const std::string& dynamic_source, const ConfigChanges& changes) {
  std::set<std::string> set_keys, twice, both;
  for (const auto& [key, value] : changes.set) {
    if (!set_keys.insert(key).second) twice.insert(key);
  }
  if (!twice.empty()) return make_error(0, "config(s) set more than once: " + join(twice));
  const std::set<std::string> remove_keys(changes.remove.begin(), changes.remove.end());
  for (const auto& key : remove_keys) {
    if (set_keys.contains(key)) both.insert(key);
  }
  if (!both.empty()) return make_error(0, "config(s) both added and deleted: " + join(both));

  std::map<std::string, std::string> values;
  std::set<std::string> hidden;  // Sensitive dynamic values we cannot read back.
  for (const ConfigEntryInfo& e : current) {
    if (e.source != dynamic_source) continue;
    if (e.value) {
      values[e.name] = *e.value;
    } else {
      hidden.insert(e.name);
    }
  }
  std::set<std::string> invalid;
  for (const auto& key : remove_keys) {
    if (!values.contains(key) && !hidden.contains(key)) invalid.insert(key);
  }
  if (!invalid.empty()) return make_error(0, "Invalid config(s): " + join(invalid));
  std::set<std::string> missing;
  for (const auto& key : hidden) {
    if (!set_keys.contains(key) && !remove_keys.contains(key)) missing.insert(key);
  }
  if (!missing.empty()) {
    return make_error(0,
                      "All sensitive config entries must be specified for --alter, missing entries: " + join(missing));
  }
  for (const auto& key : remove_keys) values.erase(key);
  for (const auto& [key, value] : changes.set) values[key] = value;
  return std::vector<KeyValue>(values.begin(), values.end());
}

}  // namespace gregor::cli
