// `gregor dump-log FILE...`: kafka-dump-log for Gregor's (= Kafka's) on-disk files. For each
// file prints "Dumping <file>", then by suffix: .log (and "Log starting offset: N") via
// dump_segment, .index / .timeindex / .txnindex via dump_index; other files are skipped with
// "Ignoring unknown file <file>" on stderr. Deep iteration's non-consecutive offsets are listed
// on stderr at the end, as Kafka does. Returns 1 if any file could not be read, else 0
// (a corrupt tail is reported in the output, not as a failure).
#pragma once

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace gregor::cli {

struct DumpLogOptions {
  std::vector<std::string> files;
  bool print_data_log = false;
  bool deep_iteration = false;
  bool skip_record_metadata = false;
};

CLI::App* define_dump_log(CLI::App& parent, DumpLogOptions& opts);

int run_dump_log(const DumpLogOptions& opts, std::ostream& out, std::ostream& err);
int run_dump_log(const DumpLogOptions& opts);  // To stdout and stderr.

}  // namespace gregor::cli
