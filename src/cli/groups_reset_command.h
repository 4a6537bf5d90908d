// `gregor groups reset-offsets`: kafka-consumer-groups --reset-offsets.
//   --group G (--topic T[:p,...]... | --all-topics)
//   (--to-earliest | --to-latest | --to-current | --to-offset N | --shift-by N |
//    --to-datetime YYYY-MM-DDTHH:mm:SS.sss) [--dry-run (the default) | --execute]
// Prints GROUP TOPIC PARTITION NEW-OFFSET; new offsets are clamped to [earliest, latest]; the
// group must be Empty or Dead (no active members), also for a dry run, as in Kafka. --all-topics
// means every partition the group has a committed offset for.
// define_groups_reset binds flags (no callback); run_groups_reset returns the exit code (0/1).
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "cli/command_flags.h"
#include "cli/offset_reset.h"

namespace gregor::cli {

struct GroupsResetOptions {
  ConnectionOptions conn;
  std::string group;
  std::vector<std::string> topics;  // Each "t" or "t:0,1".
  bool all_topics = false;
  bool to_earliest = false;
  bool to_latest = false;
  bool to_current = false;
  std::optional<int64_t> to_offset;
  std::optional<int64_t> shift_by;
  std::string to_datetime;
  bool dry_run = false;
  bool execute = false;
  std::string output = "text";
};

CLI::App* define_groups_reset(CLI::App& groups, GroupsResetOptions& opts);
int run_groups_reset(const GroupsResetOptions& opts);

// The reset mode the flags ask for (the parser lets exactly one through); fails on a bad
// --to-datetime.
Result<ResetSpec> reset_spec_of(const GroupsResetOptions& opts);

}  // namespace gregor::cli
