// `gregor produce`: kafka-console-producer. Reads stdin line by line and produces one record
// per line (line_reader.h says how a line becomes key, value and headers), then waits for
// every delivery report. Ctrl-C stops reading and still waits for what was sent.
//   --topic T [--property parse.key=true key.separator=:] (also --reader-property)
//   [--header k=v ...] (added to every record) [--partition N] [--acks all|-1|0|1]
//   [--timeout-ms MS] (how long a record may take to be delivered)
// Exit code 1 if a line cannot be parsed (nothing after it is sent) or any delivery failed.
#pragma once

#include <CLI/CLI.hpp>

#include <istream>
#include <string>
#include <vector>

#include "cli/command_flags.h"

namespace gregor::cli {

struct ConsoleProducerOptions {
  ConnectionOptions conn;
  std::string topic;
  std::vector<std::string> reader_props;  // k=v, see line_reader.h.
  std::vector<std::string> headers;       // k=v, added to every record.
  int partition = -1;                     // -1: the partitioner chooses.
  std::string acks = "all";
};

CLI::App* define_console_producer(CLI::App& parent, ConsoleProducerOptions& opts);

// Produces the lines of in (std::cin for the command).
int run_console_producer(const ConsoleProducerOptions& opts, std::istream& in);

}  // namespace gregor::cli
