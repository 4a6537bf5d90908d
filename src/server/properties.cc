#include "server/properties.h"

#include <fmt/format.h>

#include "io/properties_file.h"

namespace gregor::server {

Result<metadata::ConfigMap> parse_properties(std::string_view text, const std::string& source_name) {
  return io::parse_properties(text, source_name);
}

Result<metadata::ConfigMap> read_properties_file(const std::filesystem::path& path) {
  return io::read_properties_file(path);
}

Result<std::pair<std::string, std::string>> parse_override(std::string_view arg) {
  size_t eq = arg.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return make_error(-1, fmt::format("--set expects key=value, got '{}'", arg));
  return std::make_pair(io::trim_blanks(arg.substr(0, eq)), io::trim_blanks(arg.substr(eq + 1)));
}

}  // namespace gregor::server
