#include "cli/topics_command.h"

#include <algorithm>
#include <climits>
#include <iostream>
#include <set>

#include "base/clock.h"
#include "cli/command_support.h"
#include "cli/config_admin.h"
#include "cli/topic_description.h"
#include "cli/topics_admin.h"

namespace gregor::cli {
namespace {

// Milliseconds left before deadline, at least 1 so librdkafka still gets a bounded wait.
int remaining_ms(int64_t deadline_ms) {
  const int64_t left = deadline_ms - mono_ms();
  return left < 1 ? 1 : static_cast<int>(left);
}

Result<TopicAdmin> connect(const ConnectionOptions& conn) {
  auto props = user_properties(conn.command_config, conn.command_props);
  if (!props) return props.error();
  return TopicAdmin::connect(conn.bootstrap_server, props.value());
}

// Topic names given both as positionals and with --topic (kafka-topics style) end up in one list.
void add_topic_names(CLI::App* app, std::vector<std::string>& names, bool required) {
  auto append = [&names](const std::vector<std::string>& more) { names.insert(names.end(), more.begin(), more.end()); };
  auto* positional = app->add_option_function<std::vector<std::string>>("names", append, "Topic names");
  auto* flag = app->add_option_function<std::vector<std::string>>(
      "--topic", append, "Topic name (repeatable; same as a positional name)");
  flag->allow_extra_args(false);
  if (required) {
    auto* group = app->add_option_group("topic", "At least one topic");
    group->add_option(positional);
    group->add_option(flag);
    group->require_option(1, 2);
  }
}

}  // namespace

CLI::App* define_topics_create(CLI::App& topics, TopicsCreateOptions& opts) {
  auto* app = topics.add_subcommand("create", "Create a topic");
  auto* positional = app->add_option("name", opts.topic, "Topic name");
  auto* flag = app->add_option("--topic", opts.topic, "Topic name (same as the positional name)");
  auto* group = app->add_option_group("topic", "The topic to create");
  group->add_option(positional);
  group->add_option(flag);
  group->require_option(1);
  app->add_option("--partitions", opts.partitions, "Number of partitions (default: the broker's num.partitions)")
      ->check(CLI::Range(1, INT_MAX));
  app->add_option("--replication-factor", opts.replication_factor,
                  "Replicas per partition (default: the broker's default.replication.factor)")
      ->check(CLI::Range(1, SHRT_MAX));
  app->add_option("--config", opts.configs, "Topic config k=v (repeatable)")
      ->allow_extra_args(false)
      ->check(check_key_value);
  app->add_flag("--if-not-exists", opts.if_not_exists, "Succeed if the topic already exists");
  add_connection_flags(app, opts.conn);
  return app;
}

CLI::App* define_topics_list(CLI::App& topics, TopicsListOptions& opts) {
  auto* app = topics.add_subcommand("list", "List topic names");
  app->add_flag("--exclude-internal", opts.exclude_internal,
                "Leave out internal topics (__consumer_offsets, __transaction_state), as kafka-topics does");
  add_output_flag(app, opts.output);
  add_connection_flags(app, opts.conn);
  return app;
}

CLI::App* define_topics_describe(CLI::App& topics, TopicsDescribeOptions& opts) {
  auto* app = topics.add_subcommand("describe", "Describe topics (all topics if none is named)");
  add_topic_names(app, opts.topics, /*required=*/false);
  add_output_flag(app, opts.output);
  add_connection_flags(app, opts.conn);
  return app;
}

CLI::App* define_topics_alter(CLI::App& topics, TopicsAlterOptions& opts) {
  auto* app = topics.add_subcommand("alter", "Add partitions to a topic, or set and delete its configs");
  auto* positional = app->add_option("name", opts.topic, "Topic name");
  auto* flag = app->add_option("--topic", opts.topic, "Topic name (same as the positional name)");
  auto* group = app->add_option_group("topic", "The topic to alter");
  group->add_option(positional);
  group->add_option(flag);
  group->require_option(1);
  auto* partitions = app->add_option("--partitions", opts.partitions, "New total number of partitions (only grows)")
                         ->check(CLI::Range(1, INT_MAX));
  auto* config = app->add_option("--config", opts.configs, "Topic config k=v to set (repeatable)")
                     ->allow_extra_args(false)
                     ->check(check_key_value);
  auto* del = app->add_option("--delete-config", opts.delete_configs, "Topic config to revert to its default (repeatable)")
                  ->allow_extra_args(false);
  auto* changes = app->add_option_group("changes", "What to change");
  changes->add_option(partitions);
  changes->add_option(config);
  changes->add_option(del);
  changes->require_option(1, 3);
  add_connection_flags(app, opts.conn);
  return app;
}

CLI::App* define_topics_delete(CLI::App& topics, TopicsDeleteOptions& opts) {
  auto* app = topics.add_subcommand("delete", "Delete topics");
  add_topic_names(app, opts.topics, /*required=*/true);
  app->add_flag("--if-exists", opts.if_exists, "Succeed if a topic does not exist");
  add_connection_flags(app, opts.conn);
  return app;
}

int run_topics_create(const TopicsCreateOptions& opts) {
  const int64_t deadline = mono_ms() + opts.conn.timeout_ms;
  auto configs = parse_key_values(opts.configs);
  if (!configs) {
    print_error(configs.error().message);
    return kExitFailure;
  }
  auto admin = connect(opts.conn);
  if (!admin) {
    print_error(admin.error().message);
    return kExitFailure;
  }
  NewTopicSpec spec{opts.topic, opts.partitions, opts.replication_factor, std::move(configs.value())};
  Status s = admin->create_topic(spec, remaining_ms(deadline));
  if (!s) {
    if (opts.if_not_exists && s.error().code == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) return kExitOk;
    print_error(s.error().message);
    return kExitFailure;
  }
  std::cout << "Created topic " << opts.topic << ".\n";
  return kExitOk;
}

namespace {
// The topics Kafka marks internal (Metadata's is_internal), which librdkafka does not report.
bool is_internal_topic_name(const std::string& name) {
  return name == "__consumer_offsets" || name == "__transaction_state" || name == "__share_group_state";
}
}  // namespace

int run_topics_list(const TopicsListOptions& opts) {
  auto admin = connect(opts.conn);
  if (!admin) {
    print_error(admin.error().message);
    return kExitFailure;
  }
  auto topics = admin->list_topics(opts.conn.timeout_ms);
  if (!topics) {
    print_error(topics.error().message);
    return kExitFailure;
  }
  if (opts.exclude_internal) std::erase_if(topics.value(), [](const TopicInfo& t) { return is_internal_topic_name(t.name); });
  std::cout << (opts.output == "json" ? topic_list_json(topics.value()) : format_topic_list(topics.value()))
            << std::flush;
  return kExitOk;
}

int run_topics_describe(const TopicsDescribeOptions& opts) {
  const int64_t deadline = mono_ms() + opts.conn.timeout_ms;
  auto admin = connect(opts.conn);
  if (!admin) {
    print_error(admin.error().message);
    return kExitFailure;
  }
  auto all = admin->list_topics(remaining_ms(deadline));
  if (!all) {
    print_error(all.error().message);
    return kExitFailure;
  }
  int rc = kExitOk;
  const std::set<std::string> wanted(opts.topics.begin(), opts.topics.end());
  std::vector<TopicInfo> shown;
  for (TopicInfo& topic : all.value()) {
    if (wanted.empty() || wanted.contains(topic.name)) shown.push_back(std::move(topic));
  }
  for (const std::string& name : wanted) {
    auto it = std::find_if(shown.begin(), shown.end(), [&](const TopicInfo& t) { return t.name == name; });
    if (it != shown.end()) continue;
    print_error("topic '" + name + "' does not exist");
    rc = kExitFailure;
  }
  std::vector<std::string> names;
  for (const TopicInfo& t : shown) names.push_back(t.name);
  auto configs = admin->describe_topic_configs(names, remaining_ms(deadline));
  if (!configs) {
    // Still show partitions: the metadata is the more useful half.
    print_error(configs.error().message);
    rc = kExitFailure;
  }
  for (TopicInfo& topic : shown) {
    if (!configs) break;
    auto it = configs->find(topic.name);
    if (it == configs->end()) {
      print_error("no configs returned for topic '" + topic.name + "'");
      rc = kExitFailure;
    } else if (!it->second) {
      print_error(it->second.error().message);
      rc = kExitFailure;
    } else {
      topic.configs = it->second.value();
    }
  }
  if (opts.output == "json") {
    std::cout << topic_descriptions_json(shown);
  } else {
    for (const TopicInfo& topic : shown) std::cout << format_topic_description(topic);
  }
  std::cout << std::flush;
  return rc;
}

int run_topics_alter(const TopicsAlterOptions& opts) {
  const Deadline deadline(opts.conn.timeout_ms);
  auto configs = parse_key_values(opts.configs);
  if (!configs) {
    print_error(configs.error().message);
    return kExitFailure;
  }
  auto admin = connect(opts.conn);
  if (!admin) {
    print_error(admin.error().message);
    return kExitFailure;
  }
  if (opts.partitions > 0) {
    if (Status s = admin->create_partitions(opts.topic, opts.partitions, deadline.remaining_ms()); !s) {
      print_error(s.error().message);
      return kExitFailure;
    }
    std::cout << "Topic " << opts.topic << " now has " << opts.partitions << " partitions.\n";
  }
  if (!configs->empty() || !opts.delete_configs.empty()) {
    const ConfigChanges changes{std::move(configs.value()), opts.delete_configs};
    const ConfigEntity entity{ConfigEntityType::kTopic, opts.topic};
    if (Status s = alter_configs(admin->client(), entity, changes, deadline.remaining_ms()); !s) {
      print_error(s.error().message);
      return kExitFailure;
    }
    std::cout << "Completed updating config for topic " << opts.topic << ".\n";
  }
  std::cout << std::flush;
  return kExitOk;
}

int run_topics_delete(const TopicsDeleteOptions& opts) {
  const int64_t deadline = mono_ms() + opts.conn.timeout_ms;
  auto admin = connect(opts.conn);
  if (!admin) {
    print_error(admin.error().message);
    return kExitFailure;
  }
  int rc = kExitOk;
  for (const std::string& name : opts.topics) {
    Status s = admin->delete_topic(name, remaining_ms(deadline));
    if (s) continue;
    if (opts.if_exists && s.error().code == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) continue;
    print_error(s.error().message);
    rc = kExitFailure;
  }
  return rc;
}

}  // namespace gregor::cli
