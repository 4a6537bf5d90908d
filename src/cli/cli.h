// The client-side subcommands of the gregor binary: topics (create, list, describe, alter,
// delete), groups (list, describe, delete, reset-offsets), configs (describe, alter), produce,
// consume, perf (produce, consume) and dump-log. register_commands adds them to the top-level
// app; each subcommand's callback runs the command, prints errors to stderr as
// "gregor: <message>", and on failure throws CLI::RuntimeError(exit_code), which the caller
// turns into the process exit code with `return app.exit(e);`. Argument errors surface as CLI11's own ParseErrors.
// Thread-safety: call once from main before app.parse().
#pragma once

#include <CLI/CLI.hpp>

namespace gregor::cli {

void register_commands(CLI::App& app);

}  // namespace gregor::cli
