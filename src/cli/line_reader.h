// How `gregor produce` turns a line of input into a record, with kafka-console-producer's
// reader properties (LineMessageReader):
//   parse.key=false       key.separator=<TAB>    the key is the text before the first separator
//   parse.headers=false   headers.delimiter=<TAB> headers.separator=, headers.key.separator=:
//                         a line is "h1:v1,h2:v2<TAB>key<TAB>value" when both are on
//   null.marker=<unset>   a key, value or header value equal to it is null
//   ignore.error=false    a line without a separator is the value (null key) instead of an error
// Pure parsing, no I/O. Thread-safety: free functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cli/command_support.h"
#include "cli/console_record.h"

namespace gregor::cli {

struct LineReaderConfig {
  bool parse_key = false;
  std::string key_separator = "\t";
  bool parse_headers = false;
  std::string headers_delimiter = "\t";
  std::string headers_separator = ",";
  std::string headers_key_separator = ":";
  std::optional<std::string> null_marker;
  bool ignore_error = false;
};

// The config the properties describe; an unknown property or a bad value is an error.
Result<LineReaderConfig> line_reader_config(const std::vector<KeyValue>& properties);

// The record of one input line (without its line terminator); line_number (from 1) is for
// the error message.
Result<ConsoleRecord> parse_line(const LineReaderConfig& config, std::string_view line, int64_t line_number);

}  // namespace gregor::cli
