// Test helpers for the CLI argument tests: parse a command line into a subcommand's options, or
// expect it to be refused. Test-only.
#pragma once

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <string>

namespace gregor::cli::args_test {

// Defines the subcommand on a fresh app and parses args (which start with its name).
template <class Options, class Define>
Options parse(Define define, const std::string& args) {
  CLI::App app("test");
  Options opts;
  define(app, opts);
  app.parse(args);
  return opts;
}

template <class Options, class Define>
void expect_parse_error(Define define, const std::string& args) {
  CLI::App app("test");
  Options opts;
  define(app, opts);
  EXPECT_THROW(app.parse(args), CLI::ParseError) << args;
}

}  // namespace gregor::cli::args_test
