// The pure half of altering configs: parsing kafka-configs' --add-config/--delete-config
// values, and turning "set these, delete those" into the complete set of dynamic values that
// AlterConfigs (replace semantics) needs, as kafka-configs did before IncrementalAlterConfigs.
// No I/O. Thread-safety: free functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cli/command_support.h"
#include "cli/config_admin.h"

namespace gregor::cli {

// Parses "k1=v1,k2=[a,b],k3=v3": entries split at commas outside square brackets; a value in
// brackets is a list and keeps its commas, without the brackets (k2 -> "a,b").
Result<std::vector<KeyValue>> parse_add_config(std::string_view text);

// Parses "k1,k2" into its non-empty keys.
Result<std::vector<std::string>> parse_delete_config(std::string_view text);

// The entity's dynamic values after the changes, sorted by key: current's entries whose
// source is dynamic_source, minus `remove`, with `set` applied. Fails, naming the keys, if a
// key is set twice or both set and removed, if a removed key has no dynamic value
// ("Invalid config(s): k"), or if a sensitive dynamic value (which DescribeConfigs does not
// reveal, so it cannot be carried over) is neither set nor removed.
Result<std::vector<KeyValue>> plan_full_config(const std::vector<ConfigEntryInfo>& current,
                                               const std::string& dynamic_source, const ConfigChanges& changes);

}  // namespace gregor::cli
