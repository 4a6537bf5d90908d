#include "cli/groups_command.h"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <set>

#include "cli/group_admin.h"
#include "cli/group_report.h"
#include "cli/topics_admin.h"

namespace gregor::cli {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Group names given both as positionals and with --group end up in one list.
void add_group_names(CLI::App* app, std::vector<std::string>& names) {
  auto append = [&names](const std::vector<std::string>& more) { names.insert(names.end(), more.begin(), more.end()); };
  auto* positional = app->add_option_function<std::vector<std::string>>("names", append, "Group ids");
  auto* flag = app->add_option_function<std::vector<std::string>>("--group", append, "Group id (repeatable)");
  flag->allow_extra_args(false);
  auto* group = app->add_option_group("group", "At least one group");
  group->add_option(positional);
  group->add_option(flag);
  group->require_option(1, 2);
}

Result<ClientHandle> connect_groups_client(const ConnectionOptions& conn) {
  return connect_client(conn, RD_KAFKA_CONSUMER, groups_client_defaults());
}

// Log end offsets and leaders of the partitions in keys. A partition whose topic is gone
// keeps unknown values; a failed offset query is an error.
Result<std::map<TopicPartitionKey, PartitionFacts>> partition_facts(rd_kafka_t* rk,
                                                                    const std::set<TopicPartitionKey>& keys,
                                                                    const Deadline& deadline) {
  std::map<TopicPartitionKey, PartitionFacts> out;
  if (keys.empty()) return out;
  auto topics = list_topic_infos(rk, deadline.remaining_ms());
  if (!topics) return topics.error();
  for (const TopicInfo& t : topics.value()) {
    for (const PartitionInfo& p : t.partitions) {
      const TopicPartitionKey tp{t.name, p.id};
      if (!keys.contains(tp)) continue;
      PartitionFacts& f = out[tp];
      if (p.leader >= 0) f.leader = p.leader;
      auto w = query_watermarks(rk, tp, deadline.remaining_ms());
      if (!w) return w.error();
      f.log_end_offset = w->high;
    }
  }
  return out;
}

// One group's report, or the reason it cannot be given.
Result<GroupReport> describe_one(rd_kafka_t* rk, const std::string& group, const Deadline& deadline) {
  auto desc = describe_group(rk, group, deadline.remaining_ms());
  if (!desc) return desc.error();
  auto committed = committed_offsets(rk, group, deadline.remaining_ms());
  if (!committed) return committed.error();
  if (desc->state == "Dead" && committed->empty()) {
    return make_error(RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND, "Consumer group '" + group + "' does not exist.");
  }
  std::set<TopicPartitionKey> keys;
  for (const auto& [tp, offset] : committed.value()) keys.insert(tp);
  for (const GroupMember& m : desc->members) keys.insert(m.assignment.begin(), m.assignment.end());
  auto facts = partition_facts(rk, keys, deadline);
  if (!facts) return facts.error();
  GroupReport report;
  report.rows = build_offset_rows(desc.value(), committed.value(), facts.value());
  report.group = std::move(desc.value());
  return report;
}

}  // namespace

std::vector<KeyValue> groups_client_defaults() { return {{"isolation.level", "read_uncommitted"}}; }

CLI::App* define_groups_list(CLI::App& groups, GroupsListOptions& opts) {
  auto* app = groups.add_subcommand("list", "List consumer groups");
  app->add_option_function<std::vector<std::string>>(
         "--state",
         [&opts](const std::vector<std::string>& values) {
           opts.show_state = true;
           for (const std::string& v : values) {
             size_t start = 0;
             while (start <= v.size()) {
               size_t comma = v.find(',', start);
               if (comma == std::string::npos) comma = v.size();
               if (comma > start) opts.states.push_back(v.substr(start, comma - start));
               start = comma + 1;
             }
           }
         },
         "Show each group's state; with values (S1,S2) only groups in those states")
      ->expected(0, 1)
      ->allow_extra_args(false);
  add_output_flag(app, opts.output);
  add_connection_flags(app, opts.conn);
  return app;
}

CLI::App* define_groups_describe(CLI::App& groups, GroupsDescribeOptions& opts) {
  auto* app = groups.add_subcommand("describe", "Show a group's state, members, committed offsets and lag");
  add_group_names(app, opts.groups);
  app->add_flag("--members", opts.members, "Show the members and their assignments instead of offsets");
  add_output_flag(app, opts.output);
  add_connection_flags(app, opts.conn);
  return app;
}

CLI::App* define_groups_delete(CLI::App& groups, GroupsDeleteOptions& opts) {
  auto* app = groups.add_subcommand("delete", "Delete consumer groups (they must have no active members)");
  add_group_names(app, opts.groups);
  add_output_flag(app, opts.output);
  add_connection_flags(app, opts.conn);
  return app;
}

int run_groups_list(const GroupsListOptions& opts) {
  auto client = connect_groups_client(opts.conn);
  if (!client) {
    print_error(client.error().message);
    return kExitFailure;
  }
  auto list = list_groups(client->get(), opts.conn.timeout_ms);
  if (!list) {
    print_error(list.error().message);
    return kExitFailure;
  }
  for (const std::string& e : list->errors) print_error(e);
  std::set<std::string> wanted;
  for (const std::string& s : opts.states) wanted.insert(lower(s));
  std::vector<GroupListing> shown;
  for (const GroupListing& g : list->groups) {
    if (wanted.empty() || wanted.contains(lower(g.state))) shown.push_back(g);
  }
  if (opts.output == "json") {
    std::cout << group_list_json(shown);
  } else {
    std::cout << format_group_list(shown, opts.show_state);
  }
  std::cout << std::flush;
  return list->errors.empty() ? kExitOk : kExitFailure;
}

int run_groups_describe(const GroupsDescribeOptions& opts) {
  const Deadline deadline(opts.conn.timeout_ms);
  auto client = connect_groups_client(opts.conn);
  if (!client) {
    print_error(client.error().message);
    return kExitFailure;
  }
  int rc = kExitOk;
  std::vector<GroupReport> reports;
  for (const std::string& group : opts.groups) {
    auto report = describe_one(client->get(), group, deadline);
    if (!report) {
      print_error(report.error().message);
      rc = kExitFailure;
      continue;
    }
    reports.push_back(std::move(report.value()));
  }
  if (opts.output == "json") {
    std::cout << group_reports_json(reports);
  } else {
    for (size_t i = 0; i < reports.size(); ++i) {
      const GroupReport& r = reports[i];
      if (i > 0) std::cout << '\n';
      std::cout << format_group_state(r.group) << '\n';
      if (r.group.members.empty()) std::cout << "Consumer group '" << r.group.group << "' has no active members.\n\n";
      std::cout << (opts.members ? format_members(r.group) : format_offset_rows(r.rows));
    }
  }
  std::cout << std::flush;
  return rc;
}

int run_groups_delete(const GroupsDeleteOptions& opts) {
  auto client = connect_groups_client(opts.conn);
  if (!client) {
    print_error(client.error().message);
    return kExitFailure;
  }
  auto results = delete_groups(client->get(), opts.groups, opts.conn.timeout_ms);
  if (!results) {
    print_error(results.error().message);
    return kExitFailure;
  }
  std::vector<std::string> deleted, failed;
  for (const GroupDeleteResult& r : results.value()) {
    if (r.status) {
      deleted.push_back("'" + r.group + "'");
    } else {
      failed.push_back("* Group '" + r.group + "' could not be deleted due to: " + r.status.error().message);
    }
  }
  auto join = [](const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
  };
  if (opts.output == "json") {
    std::cout << delete_results_json(results.value());
  } else if (failed.empty()) {
    std::cout << "Deletion of requested consumer groups (" << join(deleted) << ") was successful.\n";
  } else {
    if (!deleted.empty()) std::cout << "These consumer groups were deleted successfully: " << join(deleted) << "\n";
  }
  std::cout << std::flush;
  if (!failed.empty()) {
    std::string message = "Deletion of some consumer groups failed:";
    for (const std::string& f : failed) message += "\n" + f;
    print_error(message);
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace gregor::cli
