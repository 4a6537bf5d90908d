#include "cli/line_reader.h"

namespace gregor::cli {
namespace {

Result<bool> parse_bool(const std::string& key, const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  return make_error(0, "property " + key + " must be true or false, got '" + value + "'");
}

std::optional<std::string> nullable(std::string_view text, const std::optional<std::string>& null_marker) {
  if (null_marker && text == *null_marker) return std::nullopt;
  return std::string(text);
}

Status parse_headers(const LineReaderConfig& config, std::string_view text, int64_t line_number,
                     std::vector<ConsoleHeader>& out) {
  if (text.empty()) return Status::OK();
  size_t start = 0;
  while (true) {
    const size_t end = text.find(config.headers_separator, start);
    const std::string_view pair =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    const size_t sep = pair.find(config.headers_key_separator);
    if (sep == std::string_view::npos) {
      if (!config.ignore_error) {
        return make_error(0, "No header key separator found in pair '" + std::string(pair) + "' on line number " +
                                 std::to_string(line_number));
      }
      out.push_back({std::string(pair), std::nullopt});
    } else {
      const std::string_view key = pair.substr(0, sep);
      if (config.null_marker && key == *config.null_marker) {
        return make_error(0, "Header keys should not be equal to the null marker '" + *config.null_marker +
                                 "' as they can't be null");
      }
      out.push_back(
          {std::string(key), nullable(pair.substr(sep + config.headers_key_separator.size()), config.null_marker)});
    }
    if (end == std::string_view::npos) break;
    start = end + config.headers_separator.size();
  }
  return Status::OK();
}

}  // namespace

Result<LineReaderConfig> line_reader_config(const std::vector<KeyValue>& properties) {
  LineReaderConfig c;
  for (const auto& [key, value] : properties) {
    if (key == "parse.key" || key == "parse.headers" || key == "ignore.error") {
      auto b = parse_bool(key, value);
      if (!b) return b.error();
      (key == "parse.key" ? c.parse_key : key == "parse.headers" ? c.parse_headers : c.ignore_error) = b.value();
    } else if (key == "key.separator" || key == "headers.delimiter" || key == "headers.separator" ||
               key == "headers.key.separator") {
      if (value.empty()) return make_error(0, "property " + key + " must not be empty");
      (key == "key.separator"       ? c.key_separator
       : key == "headers.delimiter" ? c.headers_delimiter
       : key == "headers.separator" ? c.headers_separator
                                    : c.headers_key_separator) = value;
    } else if (key == "null.marker") {
      if (value.empty()) return make_error(0, "property null.marker must not be empty");
      c.null_marker = value;
    } else {
      return make_error(0, "unknown reader property '" + key +
                               "' (known: parse.key, key.separator, parse.headers, headers.delimiter, "
                               "headers.separator, headers.key.separator, null.marker, ignore.error)");
    }
  }
  return c;
}

Result<ConsoleRecord> parse_line(const LineReaderConfig& config, std::string_view line, int64_t line_number) {
  ConsoleRecord r;
  std::string_view rest = line;
  if (config.parse_headers) {
    const size_t d = rest.find(config.headers_delimiter);
    if (d == std::string_view::npos) {
      if (!config.ignore_error) {
        return make_error(0, "No headers delimiter found on line number " + std::to_string(line_number) + ": '" +
                                 std::string(line) + "'");
      }
    } else {
      if (Status s = parse_headers(config, rest.substr(0, d), line_number, r.headers); !s) return s.error();
      rest = rest.substr(d + config.headers_delimiter.size());
    }
  }
  if (config.parse_key) {
    const size_t k = rest.find(config.key_separator);
    if (k == std::string_view::npos) {
      if (!config.ignore_error) {
        return make_error(0, "No key separator found on line number " + std::to_string(line_number) + ": '" +
                                 std::string(line) + "'");
      }
    } else {
      r.key = nullable(rest.substr(0, k), config.null_marker);
      rest = rest.substr(k + config.key_separator.size());
    }
  }
  r.value = nullable(rest, config.null_marker);
  return r;
}

}  // namespace gregor::cli
