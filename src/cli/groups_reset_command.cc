#include "cli/groups_reset_command.h"

#include <algorithm>
#include <iostream>
#include <set>

#include "cli/group_admin.h"
#include "cli/group_report.h"
#include "cli/groups_command.h"
#include "cli/topics_admin.h"

namespace gregor::cli {
namespace {

// The partitions to reset: the named topics' partitions (all, or those listed, which must
// exist), or with --all-topics every partition the group has committed offsets for.
Result<std::set<TopicPartitionKey>> partitions_to_reset(rd_kafka_t* rk, const GroupsResetOptions& opts,
                                                        const OffsetMap& committed, const Deadline& deadline) {
  std::set<TopicPartitionKey> out;
  if (opts.all_topics) {
    for (const auto& [tp, offset] : committed) out.insert(tp);
    return out;
  }
  auto topics = list_topic_infos(rk, deadline.remaining_ms());
  if (!topics) return topics.error();
  for (const std::string& text : opts.topics) {
    auto selection = parse_topic_selection(text);
    if (!selection) return selection.error();
    auto it =
        std::find_if(topics->begin(), topics->end(), [&](const TopicInfo& t) { return t.name == selection->topic; });
    if (it == topics->end()) {
      return make_error(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "topic '" + selection->topic + "' does not exist");
    }
    std::set<int32_t> existing;
    for (const PartitionInfo& p : it->partitions) existing.insert(p.id);
    if (selection->partitions.empty()) {
      for (int32_t p : existing) out.insert({selection->topic, p});
      continue;
    }
    for (int32_t p : selection->partitions) {
      if (!existing.contains(p)) {
        return make_error(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
                          "partition " + std::to_string(p) + " of topic '" + selection->topic + "' does not exist");
      }
      out.insert({selection->topic, p});
    }
  }
  return out;
}

// The new offset of every partition, with clamping warnings printed to stderr.
Result<OffsetMap> plan_reset(rd_kafka_t* rk, const ResetSpec& spec, const std::set<TopicPartitionKey>& partitions,
                             const OffsetMap& committed, const Deadline& deadline) {
  OffsetMap by_time;
  if (spec.mode == ResetMode::kToDatetime) {
    auto found = offsets_for_time(rk, {partitions.begin(), partitions.end()}, spec.value, deadline.remaining_ms());
    if (!found) return found.error();
    by_time = std::move(found.value());
  }
  OffsetMap out;
  for (const TopicPartitionKey& tp : partitions) {
    PartitionPosition position;
    auto w = query_watermarks(rk, tp, deadline.remaining_ms());
    if (!w) return w.error();
    position.watermarks = w.value();
    if (auto it = committed.find(tp); it != committed.end()) position.committed = it->second;
    if (auto it = by_time.find(tp); it != by_time.end()) position.offset_for_time = it->second;
    auto outcome = compute_reset_offset(tp, spec, position);
    if (!outcome) return outcome.error();
    if (!outcome->warning.empty()) print_error(outcome->warning);
    out[tp] = outcome->offset;
  }
  return out;
}

}  // namespace

CLI::App* define_groups_reset(CLI::App& groups, GroupsResetOptions& opts) {
  auto* app = groups.add_subcommand("reset-offsets", "Reset a group's committed offsets (dry run unless --execute)");
  app->add_option("--group", opts.group, "Group id")->required();

  auto* topic = app->add_option("--topic", opts.topics, "Topic, or topic:p1,p2 (repeatable)")->allow_extra_args(false);
  auto* all = app->add_flag("--all-topics", opts.all_topics, "Every partition the group has committed offsets for");
  auto* scope = app->add_option_group("scope", "Which partitions");
  scope->add_option(topic);
  scope->add_option(all);
  scope->require_option(1);

  auto* mode = app->add_option_group("mode", "Where to move the offsets");
  mode->add_flag("--to-earliest", opts.to_earliest, "The earliest offset");
  mode->add_flag("--to-latest", opts.to_latest, "The log end offset");
  mode->add_flag("--to-current", opts.to_current, "The committed offset (the log end if none)");
  mode->add_option("--to-offset", opts.to_offset, "An absolute offset");
  mode->add_option("--shift-by", opts.shift_by, "The committed offset plus N (may be negative)");
  mode->add_option("--to-datetime", opts.to_datetime, "The first offset at or after YYYY-MM-DDTHH:mm:SS.sss");
  mode->require_option(1);

  auto* dry = app->add_flag("--dry-run", opts.dry_run, "Only show the new offsets (the default)");
  auto* exec = app->add_flag("--execute", opts.execute, "Commit the new offsets");
  dry->excludes(exec);
  add_output_flag(app, opts.output);
  add_connection_flags(app, opts.conn);
  return app;
}

Result<ResetSpec> reset_spec_of(const GroupsResetOptions& opts) {
  if (opts.to_earliest) return ResetSpec{ResetMode::kEarliest, 0};
  if (opts.to_latest) return ResetSpec{ResetMode::kLatest, 0};
  if (opts.to_current) return ResetSpec{ResetMode::kCurrent, 0};
  if (opts.to_offset) return ResetSpec{ResetMode::kToOffset, *opts.to_offset};
  if (opts.shift_by) return ResetSpec{ResetMode::kShiftBy, *opts.shift_by};
  if (!opts.to_datetime.empty()) {
    auto ts = parse_reset_datetime(opts.to_datetime);
    if (!ts) return ts.error();
    return ResetSpec{ResetMode::kToDatetime, ts.value()};
  }
  return make_error(0,
                    "no reset mode given: use one of --to-earliest, --to-latest, --to-current, --to-offset, "
                    "--shift-by, --to-datetime");
}

int run_groups_reset(const GroupsResetOptions& opts) {
  const Deadline deadline(opts.conn.timeout_ms);
  auto spec = reset_spec_of(opts);
  if (!spec) {
    print_error(spec.error().message);
    return kExitFailure;
  }
  auto client = connect_client(opts.conn, RD_KAFKA_CONSUMER, groups_client_defaults());
  if (!client) {
    print_error(client.error().message);
    return kExitFailure;
  }
  rd_kafka_t* rk = client->get();
  auto desc = describe_group(rk, opts.group, deadline.remaining_ms());
  if (!desc) {
    print_error(desc.error().message);
    return kExitFailure;
  }
  if (!group_is_inactive(desc->state)) {
    print_error(inactive_group_required(opts.group, desc->state));
    return kExitFailure;
  }
  auto committed = committed_offsets(rk, opts.group, deadline.remaining_ms());
  if (!committed) {
    print_error(committed.error().message);
    return kExitFailure;
  }
  auto partitions = partitions_to_reset(rk, opts, committed.value(), deadline);
  if (!partitions) {
    print_error(partitions.error().message);
    return kExitFailure;
  }
  if (partitions->empty()) print_error("no partitions to reset for group '" + opts.group + "'");
  auto offsets = plan_reset(rk, spec.value(), partitions.value(), committed.value(), deadline);
  if (!offsets) {
    print_error(offsets.error().message);
    return kExitFailure;
  }
  if (opts.execute) {
    if (Status s = alter_group_offsets(rk, opts.group, offsets.value(), deadline.remaining_ms()); !s) {
      print_error(s.error().message);
      return kExitFailure;
    }
  } else if (!opts.dry_run) {
    print_error(
        "WARN: No action will be performed as the --execute option is missing. "
        "Add --dry-run to keep this behaviour without the warning.");
  }
  if (opts.output == "json") {
    std::cout << reset_offsets_json(opts.group, offsets.value());
  } else {
    std::cout << format_reset_offsets(opts.group, offsets.value());
  }
  std::cout << std::flush;
  return kExitOk;
}

}  // namespace gregor::cli
