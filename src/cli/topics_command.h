// `gregor topics create|list|describe|alter|delete`: the flags of each subcommand and the code
// that runs it. define_* adds one subcommand under its parent and binds its flags to the options
// struct (which must outlive parsing); it attaches no callback, so tests can parse without a
// broker. run_* does the work, prints results to stdout and errors as "gregor: ..." to stderr,
// and returns the exit code (0, or 1 on any failure).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/command_flags.h"

namespace gregor::cli {

struct TopicsCreateOptions {
  ConnectionOptions conn;
  std::string topic;
  int partitions = -1;          // -1: broker default.
  int replication_factor = -1;  // -1: broker default.
  std::vector<std::string> configs;  // k=v topic configs.
  bool if_not_exists = false;
};

struct TopicsListOptions {
  ConnectionOptions conn;
  std::string output = "text";
  bool exclude_internal = false;  // kafka-topics --exclude-internal
};

struct TopicsDescribeOptions {
  ConnectionOptions conn;
  std::vector<std::string> topics;  // Empty: every topic.
  std::string output = "text";
};

// alter: grow the partition count (CreatePartitions) and/or set and delete topic configs
// (DescribeConfigs + AlterConfigs, see config_admin.h). Partitions change first.
struct TopicsAlterOptions {
  ConnectionOptions conn;
  std::string topic;
  int partitions = -1;                     // -1: leave the count alone.
  std::vector<std::string> configs;        // k=v to set.
  std::vector<std::string> delete_configs; // Keys to revert to the default.
};

struct TopicsDeleteOptions {
  ConnectionOptions conn;
  std::vector<std::string> topics;
  bool if_exists = false;
};

CLI::App* define_topics_create(CLI::App& topics, TopicsCreateOptions& opts);
CLI::App* define_topics_list(CLI::App& topics, TopicsListOptions& opts);
CLI::App* define_topics_describe(CLI::App& topics, TopicsDescribeOptions& opts);
CLI::App* define_topics_alter(CLI::App& topics, TopicsAlterOptions& opts);
CLI::App* define_topics_delete(CLI::App& topics, TopicsDeleteOptions& opts);

int run_topics_create(const TopicsCreateOptions& opts);
int run_topics_list(const TopicsListOptions& opts);
int run_topics_describe(const TopicsDescribeOptions& opts);
int run_topics_alter(const TopicsAlterOptions& opts);
int run_topics_delete(const TopicsDeleteOptions& opts);

}  // namespace gregor::cli
