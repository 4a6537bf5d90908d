// The gregor binary: `gregor serve` runs a node; every other subcommand is a client-side tool
// registered by cli/.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "server/serve.h"

#if __has_include("cli/cli.h")
#include "cli/cli.h"
#define GREGOR_HAVE_CLI 1
#endif

int main(int argc, char** argv) {
  CLI::App app{"Gregor: a Kafka-compatible streaming platform"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("gregor 0.1.0"));
  gregor::server::register_serve_command(app);
#ifdef GREGOR_HAVE_CLI
  gregor::cli::register_commands(app);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version: printed, exit 0
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command failed and said why already
  } catch (const CLI::ParseError& e) {
    // Argument errors read as the README promises: one "gregor: ..." line, exit status 1.
    std::fprintf(stderr, "gregor: %s (see gregor --help)\n", e.what());
    return 1;
  }
  return gregor::server::exit_code();
}
