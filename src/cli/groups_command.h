// `gregor groups list|describe|delete`: kafka-consumer-groups (reset-offsets is in
// groups_reset_command.h).
//   list [--state [S,...]]            names; with --state a GROUP STATE table, filtered by S
//   describe GROUP... [--members]     state and coordinator, then per-partition offsets and
//                                     LAG (or the members and their assignments)
//   delete --group G [--group G2...]  per-group result; exit 1 if any group failed
// define_* binds flags (no callback, so tests can parse without a broker); run_* does the
// work, prints to stdout, errors as "gregor: ..." to stderr, and returns the exit code (0/1).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/command_flags.h"

namespace gregor::cli {

struct GroupsListOptions {
  ConnectionOptions conn;
  bool show_state = false;          // --state given (with or without values).
  std::vector<std::string> states;  // Only groups in these states (case-insensitive); empty: all.
  std::string output = "text";
};

struct GroupsDescribeOptions {
  ConnectionOptions conn;
  std::vector<std::string> groups;
  bool members = false;
  std::string output = "text";
};

struct GroupsDeleteOptions {
  ConnectionOptions conn;
  std::vector<std::string> groups;
  std::string output = "text";
};

CLI::App* define_groups_list(CLI::App& groups, GroupsListOptions& opts);
CLI::App* define_groups_describe(CLI::App& groups, GroupsDescribeOptions& opts);
CLI::App* define_groups_delete(CLI::App& groups, GroupsDeleteOptions& opts);

int run_groups_list(const GroupsListOptions& opts);
int run_groups_describe(const GroupsDescribeOptions& opts);
int run_groups_delete(const GroupsDeleteOptions& opts);

// Properties of the client every groups command uses: offsets as Kafka's tool reports them
// (read_uncommitted, so LOG-END-OFFSET is the high watermark).
std::vector<KeyValue> groups_client_defaults();

}  // namespace gregor::cli
