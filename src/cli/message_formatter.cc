#include "cli/message_formatter.h"

namespace gregor::cli {

Result<FormatterConfig> formatter_config(const std::vector<KeyValue>& properties) {
  FormatterConfig c;
  for (const auto& [key, value] : properties) {
    bool* flag = key == "print.timestamp"   ? &c.print_timestamp
                 : key == "print.partition" ? &c.print_partition
                 : key == "print.offset"    ? &c.print_offset
                 : key == "print.headers"   ? &c.print_headers
                 : key == "print.key"       ? &c.print_key
                 : key == "print.value"     ? &c.print_value
                                            : nullptr;
    if (flag != nullptr) {
      if (value != "true" && value != "false") {
        return make_error(0, "property " + key + " must be true or false, got '" + value + "'");
      }
      *flag = value == "true";
      continue;
    }
    std::string* text = key == "key.separator"       ? &c.key_separator
                        : key == "line.separator"    ? &c.line_separator
                        : key == "headers.separator" ? &c.headers_separator
                        : key == "null.literal"      ? &c.null_literal
                                                     : nullptr;
    if (text == nullptr) {
      return make_error(0, "unknown formatter property '" + key +
                               "' (known: print.timestamp, print.partition, print.offset, print.headers, print.key, "
                               "print.value, key.separator, line.separator, headers.separator, null.literal)");
    }
    *text = value;
  }
  return c;
}

std::string format_record(const FormatterConfig& c, const ConsoleRecord& r) {
  std::string out;
  // Fields in print order; each is written, then a separator if any later field is printed.
  const bool shown[] = {c.print_timestamp, c.print_partition, c.print_offset,
                        c.print_headers,   c.print_key,       c.print_value};
  constexpr int kFields = 6;
  auto separator_after = [&](int field) {
    for (int later = field + 1; later < kFields; ++later) {
      if (shown[later]) {
        out += c.key_separator;
        return;
      }
    }
  };
  auto nullable = [&](const std::optional<std::string>& v) -> const std::string& { return v ? *v : c.null_literal; };
  if (c.print_timestamp) {
    switch (r.timestamp_kind) {
      case TimestampKind::kCreateTime:
        out += "CreateTime:" + std::to_string(r.timestamp);
        break;
      case TimestampKind::kLogAppendTime:
        out += "LogAppendTime:" + std::to_string(r.timestamp);
        break;
      case TimestampKind::kNone:
        out += "NO_TIMESTAMP";
        break;
    }
    separator_after(0);
  }
  if (c.print_partition) {
    out += "Partition:" + std::to_string(r.partition);
    separator_after(1);
  }
  if (c.print_offset) {
    out += "Offset:" + std::to_string(r.offset);
    separator_after(2);
  }
  if (c.print_headers) {
    if (r.headers.empty()) out += "NO_HEADERS";
    for (size_t i = 0; i < r.headers.size(); ++i) {
      if (i > 0) out += c.headers_separator;
      out += r.headers[i].key + ":" + nullable(r.headers[i].value);
    }
    separator_after(3);
  }
  if (c.print_key) {
    out += nullable(r.key);
    separator_after(4);
  }
  if (c.print_value) out += nullable(r.value);
  out += c.line_separator;
  return out;
}

}  // namespace gregor::cli
