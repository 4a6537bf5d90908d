// How `gregor consume` prints a record, with kafka-console-consumer's formatter properties
// (DefaultMessageFormatter), fields in this order, each followed by key.separator when more
// follow:
//   print.timestamp=false  "CreateTime:<ms>", "LogAppendTime:<ms>" or "NO_TIMESTAMP"
//   print.partition=false  "Partition:<p>"
//   print.offset=false     "Offset:<o>"
//   print.headers=false    "k1:v1<headers.separator>k2:v2", or "NO_HEADERS"
//   print.key=false        the key
//   print.value=true       the value
// then line.separator (default "\n"). key.separator defaults to <TAB>, headers.separator to
// ",", and null keys/values/header values print as null.literal ("null").
// Pure formatting, no I/O. Thread-safety: free functions.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "cli/command_support.h"
#include "cli/console_record.h"

namespace gregor::cli {

struct FormatterConfig {
  bool print_timestamp = false;
  bool print_partition = false;
  bool print_offset = false;
  bool print_headers = false;
  bool print_key = false;
  bool print_value = true;
  std::string key_separator = "\t";
  std::string line_separator = "\n";
  std::string headers_separator = ",";
  std::string null_literal = "null";
};

// The config the properties describe; an unknown property or a bad value is an error.
Result<FormatterConfig> formatter_config(const std::vector<KeyValue>& properties);

// The printed form of record, ending in line_separator.
std::string format_record(const FormatterConfig& config, const ConsoleRecord& record);

}  // namespace gregor::cli
