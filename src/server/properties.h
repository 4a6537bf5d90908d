// Reading Kafka server.properties files: `key=value` or `key: value` lines, `#`/`!` comments,
// blank lines, trailing-backslash continuations, surrounding whitespace ignored. Keys are not
// checked here (BrokerConfig does that).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.h"
#include "metadata/config_def.h"

namespace gregor::server {

Result<metadata::ConfigMap> parse_properties(std::string_view text, const std::string& source_name);
Result<metadata::ConfigMap> read_properties_file(const std::filesystem::path& path);
// Splits "key=value" (an --set argument); an error names the argument when it has no '='.
Result<std::pair<std::string, std::string>> parse_override(std::string_view arg);

}  // namespace gregor::server
