// The catalogue of configuration keys Gregor knows: every broker key (server.properties) and
// every topic key, with Kafka's type, default and valid range, and for each topic key the
// broker keys it falls back to (its synonyms, in priority order). Parsing and validation of
// values happen here, so `gregor serve`, CreateTopics, AlterConfigs and DescribeConfigs agree.
// Thread-safety: immutable after static initialisation; safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace gregor::metadata {

// Kafka's ConfigType codes as DescribeConfigs v3+ reports them.
enum class ConfigType : int8_t { kBoolean = 1, kString = 2, kInt = 3, kShort = 4, kLong = 5, kDouble = 6, kList = 7, kClass = 8, kPassword = 9 };

// Kafka's ConfigSource codes in DescribeConfigs.
enum class ConfigSource : int8_t {
  kUnknown = 0, kTopic = 1, kDynamicBroker = 2, kDynamicDefaultBroker = 3, kStaticBroker = 4, kDefault = 5,
};

enum class ConfigScope { kBroker, kTopic };

struct ConfigKey {
  std::string name;
  ConfigType type;
  std::optional<std::string> default_value;  // nullopt: no default (null)
  int64_t min = INT64_MIN;                   // numeric bounds, inclusive
  int64_t max = INT64_MAX;
  std::vector<std::string> allowed;          // for enumerated strings/lists; empty = any
  bool dynamic = false;                      // broker key alterable at run time
  bool sensitive = false;
  std::vector<std::string> synonyms;         // topic keys: broker keys in fallback order
  bool inert = false;                        // a key Kafka accepts that has no effect here (a warning)
};

// Looks a key up; nullptr when unknown.
const ConfigKey* find_broker_key(std::string_view name);
const ConfigKey* find_topic_key(std::string_view name);
const std::vector<ConfigKey>& broker_keys();
const std::vector<ConfigKey>& topic_keys();

// Validates value for key: INVALID_CONFIG (40) naming key and value when it does not parse or is
// out of range. Returns the value normalised (trimmed).
Result<std::string> validate_value(const ConfigKey& key, std::string_view value);

// Parses validated values.
int64_t parse_long(const std::string& value);
bool parse_bool(const std::string& value);
double parse_double(const std::string& value);
std::vector<std::string> parse_list(const std::string& value);

// A set of explicitly-set key=value pairs (already validated).
using ConfigMap = std::map<std::string, std::string>;

}  // namespace gregor::metadata
