// Flags every client-side command shares, and the client they describe: --bootstrap-server,
// --timeout-ms, --command-config (a client properties file, as Kafka's tools take),
// --command-property (extra librdkafka properties) and --output text|json.
// add_* only bind flags to the given struct (which must outlive parsing); connect_client
// builds a librdkafka client from the parsed values.
// Thread-safety: call from the command thread.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "base/result.h"
#include "cli/command_support.h"
#include "cli/kafka_client.h"

namespace gregor::cli {

struct ConnectionOptions {
  std::string bootstrap_server = "localhost:9092";
  int timeout_ms = 30000;                  // Bound on the whole command.
  std::vector<std::string> command_props;  // Extra librdkafka properties, k=v.
  std::string command_config;              // --command-config FILE ("" if none)
};

// Adds --bootstrap-server, --timeout-ms, --command-config and --command-property to app.
void add_connection_flags(CLI::App* app, ConnectionOptions& conn);

// For the commands that speak the Kafka protocol themselves (not through librdkafka): the
// --command-config file must not ask for what they cannot do (a security.protocol other
// than PLAINTEXT).
Status check_plaintext_only(const ConnectionOptions& conn);

// Adds --output, restricted to "text" (the default) and "json".
void add_output_flag(CLI::App* app, std::string& output);

// A client of the given type: bootstrap.servers from conn, then defaults (the command's own
// settings), then conn's --command-property values, which win over the defaults.
Result<ClientHandle> connect_client(const ConnectionOptions& conn, rd_kafka_type_t type,
                                    const std::vector<KeyValue>& defaults = {});

}  // namespace gregor::cli
