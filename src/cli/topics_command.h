// `gregor topics create|list|describe|delete`: the flags of each subcommand and the code that
// runs it. define_* adds one subcommand under its parent and binds its flags to the options
// struct (which must outlive parsing); it attaches no callback, so tests can parse without a
// broker. run_* does the work, prints results to stdout and errors as "gregor: ..." to stderr,
// and returns the exit code (0, or 1 on any failure).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace gregor::cli {

struct ConnectionOptions {
  std::string bootstrap_server = "localhost:9092";
  int timeout_ms = 30000;                   // Bound on the whole command.
  std::vector<std::string> command_props;   // Extra librdkafka properties, k=v.
};

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
};

struct TopicsDescribeOptions {
  ConnectionOptions conn;
  std::vector<std::string> topics;  // Empty: every topic.
};

struct TopicsDeleteOptions {
  ConnectionOptions conn;
  std::vector<std::string> topics;
  bool if_exists = false;
};

// Adds --bootstrap-server, --timeout-ms and --command-property to app.
void add_connection_flags(CLI::App* app, ConnectionOptions& conn);

CLI::App* define_topics_create(CLI::App& topics, TopicsCreateOptions& opts);
CLI::App* define_topics_list(CLI::App& topics, TopicsListOptions& opts);
CLI::App* define_topics_describe(CLI::App& topics, TopicsDescribeOptions& opts);
CLI::App* define_topics_delete(CLI::App& topics, TopicsDeleteOptions& opts);

int run_topics_create(const TopicsCreateOptions& opts);
int run_topics_list(const TopicsListOptions& opts);
int run_topics_describe(const TopicsDescribeOptions& opts);
int run_topics_delete(const TopicsDeleteOptions& opts);

}  // namespace gregor::cli
