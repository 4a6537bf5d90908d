// `gregor consume`: kafka-console-consumer. Prints each record of a topic to stdout
// (message_formatter.h says how) until --max-messages were printed, --timeout-ms passed
// without a record, or Ctrl-C; then "Processed a total of N messages" goes to stderr.
//   --topic T [--group G] [--from-beginning] [--partition N [--offset O|earliest|latest]]
//   [--max-messages N] [--timeout-ms MS] [--property print.key=true ...] (also
//   --formatter-property) [--isolation-level read_committed] [--command-property k=v]
// With --group the consumer joins the group (subscribe; offsets committed on exit, exactly
// up to the last printed record). Without it every partition (or the one given) is assigned
// directly and nothing is committed, so no coordinator is needed. Starts at the log end
// unless --from-beginning, a committed offset, or --offset says otherwise.
// Exit code 0 after max messages, timeout or Ctrl-C; 1 on errors (unknown topic, ...).
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace gregor::cli {

struct ConsoleConsumerOptions {
  std::string bootstrap_server = "localhost:9092";
  std::string topic;
  std::string group;  // Empty: no group, partitions assigned directly.
  bool from_beginning = false;
  int64_t max_messages = -1;  // -1: no limit.
  int partition = -1;         // -1: every partition.
  std::string offset;         // With --partition: a number, earliest or latest.
  int timeout_ms = -1;        // Idle limit; -1: none.
  std::vector<std::string> formatter_props;
  std::string isolation_level = "read_uncommitted";
  std::vector<std::string> consumer_props;  // librdkafka properties.
  std::string config_file;                  // --consumer.config / --command-config
};

CLI::App* define_console_consumer(CLI::App& parent, ConsoleConsumerOptions& opts);

int run_console_consumer(const ConsoleConsumerOptions& opts);

// The librdkafka start offset for --partition's --offset and --from-beginning: a number >= 0,
// RD_KAFKA_OFFSET_BEGINNING or RD_KAFKA_OFFSET_END; an error for anything else.
Result<int64_t> start_offset_of(const std::string& offset, bool from_beginning);

}  // namespace gregor::cli
