// `gregor configs describe|alter`: kafka-configs for topics and brokers.
//   describe --entity-type topics|brokers [--entity-name X] [--all] [--output json]
//   alter --entity-type topics|brokers --entity-name X [--add-config k=v,k2=[a,b]] [--delete-config k,k2]
// define_* binds flags (no callback, so tests can parse without a broker); run_* does the
// work, prints to stdout, errors as "gregor: ..." to stderr, and returns the exit code (0/1).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/command_flags.h"
#include "cli/config_admin.h"

namespace gregor::cli {

struct ConfigsDescribeOptions {
  ConnectionOptions conn;
  std::string entity_type;  // "topics" or "brokers".
  std::string entity_name;  // Empty: every topic / every broker.
  bool all = false;         // Every config, not only the entity's dynamic values.
  std::string output = "text";
};

struct ConfigsAlterOptions {
  ConnectionOptions conn;
  std::string entity_type;
  std::string entity_name;
  std::vector<std::string> add_configs;     // Each "k=v,k2=[a,b]".
  std::vector<std::string> delete_configs;  // Each "k,k2".
};

CLI::App* define_configs_describe(CLI::App& configs, ConfigsDescribeOptions& opts);
CLI::App* define_configs_alter(CLI::App& configs, ConfigsAlterOptions& opts);

int run_configs_describe(const ConfigsDescribeOptions& opts);
int run_configs_alter(const ConfigsAlterOptions& opts);

// "topics" -> kTopic, "brokers" -> kBroker. REQUIRES: one of the two (the flag checks it).
ConfigEntityType parse_entity_type(const std::string& text);

// The --add-config and --delete-config values of an alter, parsed and merged.
Result<ConfigChanges> parse_config_changes(const std::vector<std::string>& add_configs,
                                           const std::vector<std::string>& delete_configs);

}  // namespace gregor::cli
