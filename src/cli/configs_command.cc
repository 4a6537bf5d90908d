#include "cli/configs_command.h"

#include <algorithm>
#include <iostream>

#include "cli/config_alter_plan.h"
#include "cli/config_report.h"

namespace gregor::cli {
namespace {

void add_entity_flags(CLI::App* app, std::string& type, std::string& name, bool name_required) {
  app->add_option("--entity-type", type, "topics or brokers")->required()->check(CLI::IsMember({"topics", "brokers"}));
  auto* n = app->add_option("--entity-name", name, "Topic name or broker id");
  if (name_required) n->required();
}

// Every entity of the type in the cluster: topic names, or broker ids, sorted.
Result<std::vector<std::string>> all_entity_names(rd_kafka_t* rk, ConfigEntityType type, int timeout_ms) {
  auto md = fetch_all_metadata(rk, timeout_ms);
  if (!md) return md.error();
  const rd_kafka_metadata_t* m = md->get();
  std::vector<std::string> names;
  if (type == ConfigEntityType::kTopic) {
    for (int i = 0; i < m->topic_cnt; ++i) names.emplace_back(m->topics[i].topic);
    std::sort(names.begin(), names.end());
  } else {
    std::vector<int32_t> ids;
    for (int i = 0; i < m->broker_cnt; ++i) ids.push_back(m->brokers[i].id);
    std::sort(ids.begin(), ids.end());
    for (int32_t id : ids) names.push_back(std::to_string(id));
  }
  return names;
}

}  // namespace

ConfigEntityType parse_entity_type(const std::string& text) {
  return text == "brokers" ? ConfigEntityType::kBroker : ConfigEntityType::kTopic;
}

Result<ConfigChanges> parse_config_changes(const std::vector<std::string>& add_configs,
                                           const std::vector<std::string>& delete_configs) {
  ConfigChanges changes;
  for (const std::string& text : add_configs) {
    auto kvs = parse_add_config(text);
    if (!kvs) return kvs.error();
    changes.set.insert(changes.set.end(), kvs->begin(), kvs->end());
  }
  for (const std::string& text : delete_configs) {
    auto keys = parse_delete_config(text);
    if (!keys) return keys.error();
    changes.remove.insert(changes.remove.end(), keys->begin(), keys->end());
  }
  return changes;
}

CLI::App* define_configs_describe(CLI::App& configs, ConfigsDescribeOptions& opts) {
  auto* app = configs.add_subcommand("describe", "Show the configs of topics or brokers");
  add_entity_flags(app, opts.entity_type, opts.entity_name, /*name_required=*/false);
  app->add_flag("--all", opts.all, "Every config, not only the dynamic values set on the entity");
  add_output_flag(app, opts.output);
  add_connection_flags(app, opts.conn);
  return app;
}

CLI::App* define_configs_alter(CLI::App& configs, ConfigsAlterOptions& opts) {
  auto* app = configs.add_subcommand("alter", "Set or delete dynamic configs of a topic or broker");
  add_entity_flags(app, opts.entity_type, opts.entity_name, /*name_required=*/true);
  auto* add = app->add_option("--add-config", opts.add_configs, "Configs to set: k1=v1,k2=[a,b] (repeatable)")
                  ->allow_extra_args(false);
  auto* del =
      app->add_option("--delete-config", opts.delete_configs, "Configs to revert to default: k1,k2 (repeatable)")
          ->allow_extra_args(false);
  auto* group = app->add_option_group("changes", "What to change");
  group->add_option(add);
  group->add_option(del);
  group->require_option(1, 2);
  add_connection_flags(app, opts.conn);
  return app;
}

int run_configs_describe(const ConfigsDescribeOptions& opts) {
  const Deadline deadline(opts.conn.timeout_ms);
  const ConfigEntityType type = parse_entity_type(opts.entity_type);
  auto client = connect_client(opts.conn, RD_KAFKA_PRODUCER);
  if (!client) {
    print_error(client.error().message);
    return kExitFailure;
  }
  rd_kafka_t* rk = client->get();
  std::vector<std::string> names;
  if (!opts.entity_name.empty()) {
    names.push_back(opts.entity_name);
  } else {
    auto all = all_entity_names(rk, type, deadline.remaining_ms());
    if (!all) {
      print_error(all.error().message);
      return kExitFailure;
    }
    names = std::move(all.value());
  }
  int rc = kExitOk;
  std::vector<DescribedEntity> described;
  for (const std::string& name : names) {
    ConfigEntity entity{type, name};
    auto entries = describe_configs(rk, entity, deadline.remaining_ms());
    if (!entries) {
      print_error(entries.error().message);
      rc = kExitFailure;
      continue;
    }
    described.push_back({entity, select_shown_configs(entries.value(), type, opts.all)});
  }
  if (opts.output == "json") {
    std::cout << config_descriptions_json(described);
  } else {
    for (const DescribedEntity& d : described) std::cout << format_config_description(d, opts.all);
  }
  std::cout << std::flush;
  return rc;
}

int run_configs_alter(const ConfigsAlterOptions& opts) {
  auto changes = parse_config_changes(opts.add_configs, opts.delete_configs);
  if (!changes) {
    print_error(changes.error().message);
    return kExitFailure;
  }
  auto client = connect_client(opts.conn, RD_KAFKA_PRODUCER);
  if (!client) {
    print_error(client.error().message);
    return kExitFailure;
  }
  const ConfigEntity entity{parse_entity_type(opts.entity_type), opts.entity_name};
  if (Status s = alter_configs(client->get(), entity, changes.value(), opts.conn.timeout_ms); !s) {
    print_error(s.error().message);
    return kExitFailure;
  }
  std::cout << "Completed updating config for " << describe_entity(entity) << ".\n" << std::flush;
  return kExitOk;
}

}  // namespace gregor::cli
