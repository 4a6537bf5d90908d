#include "io/properties_file.h"

#include <fmt/format.h>

#include "io/file.h"

namespace gregor::io {

std::string trim_blanks(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

Result<Properties> parse_properties(std::string_view text, const std::string& source_name) {
  Properties out;
  std::string logical;
  int line_no = 0, start_line = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string line = trim_blanks(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (logical.empty()) {
      start_line = line_no;
      if (line.empty() || line[0] == '#' || line[0] == '!') continue;
    }
    if (!line.empty() && line.back() == '\\') {
      logical += line.substr(0, line.size() - 1);
      continue;
    }
    logical += line;
    size_t sep = logical.find_first_of("=:");
    if (sep == std::string::npos)
      return make_error(-1, fmt::format("{}:{}: expected key=value, got '{}'", source_name, start_line, logical));
    std::string key = trim_blanks(std::string_view(logical).substr(0, sep));
    std::string value = trim_blanks(std::string_view(logical).substr(sep + 1));
    if (key.empty()) return make_error(-1, fmt::format("{}:{}: empty key", source_name, start_line));
    out[key] = value;
    logical.clear();
  }
  return out;
}

Result<Properties> read_properties_file(const std::filesystem::path& path) {
  auto text = read_small_file(path, 16 << 20);
  if (!text.ok()) return make_error(-1, fmt::format("cannot read config file: {}", text.error().message));
  return parse_properties(*text, path.string());
}

}  // namespace gregor::io
