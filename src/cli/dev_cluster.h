// `gregor dev-cluster --nodes N`: a local replicated cluster on loopback for trying things out.
// Writes one server.properties per node under a data directory it names (node i: node.id i,
// process.roles=broker,controller, broker listener 127.0.0.1:<base-port + i - 1>, controller
// listener 127.0.0.1:<base-port + 100 + i - 1>, the same controller.quorum.voters, its own
// log.dirs), starts `gregor serve` for each with output in node-<i>.log, prints the bootstrap
// servers, and waits. Ctrl-C (or SIGTERM) stops every node cleanly (SIGTERM, then SIGKILL after
// 30 s; a second Ctrl-C kills at once). A node that exits is reported with the command that
// restarts it; the others keep running, so failover can be tried by killing one.
// Thread-safety: a command; runs on the main thread.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace gregor::cli {

struct DevClusterOptions {
  int nodes = 3;
  std::string dir = "dev-cluster";
  int base_port = 19092;
  int smp = 1;
  std::vector<std::string> sets;  // extra key=value settings for every node
};

CLI::App* define_dev_cluster(CLI::App& parent, DevClusterOptions& opts);
int run_dev_cluster(const DevClusterOptions& opts);

// The properties file of node `id` (1-based). Exposed for tests.
std::string dev_cluster_properties(const DevClusterOptions& opts, int id, const std::string& data_dir);
// "127.0.0.1:<port>,..." of every broker listener.
std::string dev_cluster_bootstrap(const DevClusterOptions& opts);

}  // namespace gregor::cli
