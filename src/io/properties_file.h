// Java .properties text, as Kafka's server.properties and client config files are written:
// `key=value` or `key: value` lines, `#`/`!` comments, blank lines, trailing-backslash
// continuations, surrounding whitespace ignored. Keys are not checked here (the broker's
// BrokerConfig and the CLI's client do that). Later lines win.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace gregor::io {

using Properties = std::map<std::string, std::string>;

// s without leading and trailing blanks (space, tab, CR).
std::string trim_blanks(std::string_view s);

// An error names source_name and the line.
Result<Properties> parse_properties(std::string_view text, const std::string& source_name);
// At most 16 MiB; an error names the file.
Result<Properties> read_properties_file(const std::filesystem::path& path);

}  // namespace gregor::io
