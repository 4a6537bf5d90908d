// `gregor serve`: parses --config FILE and --set key=value overrides (Kafka server.properties
// keys; unknown keys and bad values are errors naming them), then runs a node until SIGTERM or
// SIGINT (a second SIGINT exits at once).
#pragma once

#include <CLI/CLI.hpp>

namespace gregor::server {

void register_serve_command(CLI::App& app);
// The exit code of the command that ran (0 when it succeeded).
int exit_code();

}  // namespace gregor::server
