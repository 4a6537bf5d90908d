// `gregor cluster describe`: the cluster at a glance, for operators (Kafka spreads this over
// kafka-metadata-quorum --describe --status/--replication and kafka-topics
// --under-replicated-partitions / --unavailable-partitions). Prints the cluster id, the
// brokers, the controller quorum (leader, epoch, high watermark, each voter's and observer's
// log end offset, lag behind the leader and last fetch), and every partition that is offline
// (no leader) or under-replicated (ISR smaller than the replicas), with its leader, replicas,
// ISR and offline replicas. Metadata v12 and DescribeQuorum v1 go over the wire directly (see
// wire_call.h); any broker answers (DescribeQuorum is forwarded to the active controller).
// Exit code 0 when it could describe the cluster, 1 otherwise.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/command_flags.h"

namespace gregor::cli {

struct ClusterDescribeOptions {
  ConnectionOptions conn;
  std::string output = "text";
};

// What describe shows, gathered from the cluster (exposed for formatting tests).
struct ClusterView {
  struct Broker {
    int32_t id = -1;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;
  };
  struct Replica {
    int32_t id = -1;
    int64_t log_end_offset = -1;
    int64_t last_fetch_ms = -1;       // wall clock, -1 unknown
    int64_t last_caught_up_ms = -1;
  };
  struct Partition {
    std::string topic;
    int32_t partition = 0;
    int32_t leader = -1;
    int32_t leader_epoch = -1;
    std::vector<int32_t> replicas, isr, offline;
  };
  std::string cluster_id;
  int32_t controller_id = -1;
  std::vector<Broker> brokers;
  std::string quorum_error;  // empty when the quorum answered
  int32_t quorum_leader = -1;
  int32_t quorum_epoch = -1;
  int64_t quorum_high_watermark = -1;
  std::vector<Replica> voters, observers;
  size_t topic_count = 0;
  size_t partition_count = 0;
  std::vector<Partition> unhealthy;  // offline or under-replicated
  int64_t now_ms = 0;
};

CLI::App* define_cluster_describe(CLI::App& cluster, ClusterDescribeOptions& opts);
int run_cluster_describe(const ClusterDescribeOptions& opts);

std::string format_cluster_text(const ClusterView& view);
std::string format_cluster_json(const ClusterView& view);

}  // namespace gregor::cli
