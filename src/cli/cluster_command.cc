#include "cli/cluster_command.h"

#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "cli/json_output.h"
#include "cli/table.h"
#include "cli/wire_call.h"
#include "protocol/generated/messages.h"

namespace gregor::cli {

namespace {

constexpr int16_t kMetadataVersion = 12, kDescribeQuorumVersion = 1;

std::string ids(const std::vector<int32_t>& v) {
  std::string out;
  for (int32_t id : v) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

std::string ago(int64_t now, int64_t t) { return t < 0 ? "-" : fmt::format("{} ms", std::max<int64_t>(0, now - t)); }

int64_t wall_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<ClusterView> gather(const ClusterDescribeOptions& opts) {
  ClusterView view;
  view.now_ms = wall_now();
  proto::MetadataRequest md;
  md.topics = std::nullopt;  // all topics
  md.allow_auto_topic_creation = false;
  auto meta = wire_call<proto::MetadataResponse>(opts.conn.bootstrap_server, md, kMetadataVersion, opts.conn.timeout_ms);
  if (!meta.ok()) return meta.error();
  view.cluster_id = meta->cluster_id.value_or("");
  view.controller_id = meta->controller_id;
  for (const auto& b : meta->brokers) view.brokers.push_back({b.node_id, b.host, b.port, b.rack});
  for (const auto& t : meta->topics) {
    ++view.topic_count;
    for (const auto& p : t.partitions) {
      ++view.partition_count;
      if (p.leader_id >= 0 && p.isr_nodes.size() >= p.replica_nodes.size()) continue;
      view.unhealthy.push_back({t.name.value_or(""), p.partition_index, p.leader_id, p.leader_epoch, p.replica_nodes,
                                p.isr_nodes, p.offline_replicas});
    }
  }
  proto::DescribeQuorumRequest dq;
  auto& topic = dq.topics.emplace_back();
  topic.topic_name = "__cluster_metadata";
  topic.partitions.emplace_back().partition_index = 0;
  auto quorum = wire_call<proto::DescribeQuorumResponse>(opts.conn.bootstrap_server, dq, kDescribeQuorumVersion,
                                                         opts.conn.timeout_ms);
  if (!quorum.ok()) {
    view.quorum_error = quorum.error().message;
  } else if (quorum->error_code != 0 || quorum->topics.empty() || quorum->topics[0].partitions.empty()) {
    view.quorum_error = fmt::format("DescribeQuorum failed with error {}", quorum->error_code);
  } else {
    const auto& p = quorum->topics[0].partitions[0];
    if (p.error_code != 0) {
      view.quorum_error = fmt::format("DescribeQuorum failed with error {}", p.error_code);
    } else {
      view.quorum_leader = p.leader_id;
      view.quorum_epoch = p.leader_epoch;
      view.quorum_high_watermark = p.high_watermark;
      for (const auto& r : p.current_voters)
        view.voters.push_back({r.replica_id, r.log_end_offset, r.last_fetch_timestamp, r.last_caught_up_timestamp});
      for (const auto& r : p.observers)
        view.observers.push_back({r.replica_id, r.log_end_offset, r.last_fetch_timestamp, r.last_caught_up_timestamp});
    }
  }
  return view;
}

int64_t leader_end(const ClusterView& v) {
  for (const auto& r : v.voters)
    if (r.id == v.quorum_leader) return r.log_end_offset;
  return -1;
}

}  // namespace

std::string format_cluster_text(const ClusterView& v) {
  std::string out = fmt::format("ClusterId: {}\n\nBrokers ({}):\n", v.cluster_id, v.brokers.size());
  Table brokers({"ID", "HOST", "PORT", "RACK"});
  for (const auto& b : v.brokers) brokers.add_row({std::to_string(b.id), b.host, std::to_string(b.port), cell(b.rack.value_or(""))});
  out += brokers.format();
  if (!v.quorum_error.empty()) {
    out += fmt::format("\nController quorum: unavailable ({})\n", v.quorum_error);
  } else {
    out += fmt::format("\nController quorum: leader {}, epoch {}, high watermark {}\n", v.quorum_leader,
                       v.quorum_epoch, v.quorum_high_watermark);
    Table quorum({"NODE", "STATUS", "LOG-END-OFFSET", "LAG", "LAST-FETCH", "LAST-CAUGHT-UP"});
    int64_t end = leader_end(v);
    auto row = [&](const ClusterView::Replica& r, const std::string& status) {
      quorum.add_row({std::to_string(r.id), status, std::to_string(r.log_end_offset),
                      end < 0 ? "-" : std::to_string(std::max<int64_t>(0, end - r.log_end_offset)),
                      r.id == v.quorum_leader ? "-" : ago(v.now_ms, r.last_fetch_ms),
                      r.id == v.quorum_leader ? "-" : ago(v.now_ms, r.last_caught_up_ms)});
    };
    for (const auto& r : v.voters) row(r, r.id == v.quorum_leader ? "Leader" : "Follower");
    for (const auto& r : v.observers) row(r, "Observer");
    out += quorum.format();
  }
  out += fmt::format("\nPartitions: {} in {} topic(s); {} offline, {} under-replicated\n", v.partition_count,
                     v.topic_count, std::count_if(v.unhealthy.begin(), v.unhealthy.end(), [](const auto& p) { return p.leader < 0; }),
                     std::count_if(v.unhealthy.begin(), v.unhealthy.end(), [](const auto& p) { return p.leader >= 0; }));
  if (!v.unhealthy.empty()) {
    Table parts({"TOPIC", "PARTITION", "STATE", "LEADER", "REPLICAS", "ISR", "OFFLINE"});
    for (const auto& p : v.unhealthy)
      parts.add_row({p.topic, std::to_string(p.partition), p.leader < 0 ? "Offline" : "UnderReplicated",
                     p.leader < 0 ? "none" : std::to_string(p.leader), ids(p.replicas), cell(ids(p.isr)), cell(ids(p.offline))});
    out += parts.format();
  }
  return out;
}

std::string format_cluster_json(const ClusterView& v) {
  nlohmann::json j;
  j["cluster_id"] = v.cluster_id;
  j["controller_id"] = v.controller_id;
  j["brokers"] = nlohmann::json::array();
  for (const auto& b : v.brokers) {
    nlohmann::json e{{"id", b.id}, {"host", b.host}, {"port", b.port}};
    e["rack"] = b.rack ? nlohmann::json(*b.rack) : nlohmann::json(nullptr);
    j["brokers"].push_back(e);
  }
  nlohmann::json q;
  if (!v.quorum_error.empty()) {
    q["error"] = v.quorum_error;
  } else {
    q["leader"] = v.quorum_leader;
    q["epoch"] = v.quorum_epoch;
    q["high_watermark"] = v.quorum_high_watermark;
    int64_t end = leader_end(v);
    auto list = [&](const std::vector<ClusterView::Replica>& rs) {
      auto arr = nlohmann::json::array();
      for (const auto& r : rs)
        arr.push_back({{"id", r.id}, {"log_end_offset", r.log_end_offset},
                       {"lag", end < 0 ? -1 : std::max<int64_t>(0, end - r.log_end_offset)},
                       {"last_fetch_timestamp", r.last_fetch_ms}, {"last_caught_up_timestamp", r.last_caught_up_ms}});
      return arr;
    };
    q["voters"] = list(v.voters);
    q["observers"] = list(v.observers);
  }
  j["quorum"] = q;
  j["topics"] = v.topic_count;
  j["partitions"] = v.partition_count;
  j["unhealthy_partitions"] = nlohmann::json::array();
  for (const auto& p : v.unhealthy)
    j["unhealthy_partitions"].push_back({{"topic", p.topic}, {"partition", p.partition},
                                          {"state", p.leader < 0 ? "Offline" : "UnderReplicated"},
                                          {"leader", p.leader}, {"leader_epoch", p.leader_epoch},
                                          {"replicas", p.replicas}, {"isr", p.isr}, {"offline_replicas", p.offline}});
  return dump_json(j);
}

CLI::App* define_cluster_describe(CLI::App& cluster, ClusterDescribeOptions& opts) {
  auto* cmd = cluster.add_subcommand("describe", "Brokers, the controller quorum, and offline or under-replicated partitions");
  add_connection_flags(cmd, opts.conn);
  add_output_flag(cmd, opts.output);
  return cmd;
}

int run_cluster_describe(const ClusterDescribeOptions& opts) {
  if (auto s = check_plaintext_only(opts.conn); !s.ok()) {
    std::cerr << "gregor: " << s.error().message << "\n";
    return 1;
  }
  auto view = gather(opts);
  if (!view.ok()) {
    std::cerr << "gregor: cannot describe the cluster: " << view.error().message << "\n";
    return 1;
  }
  std::cout << (opts.output == "json" ? format_cluster_json(*view) : format_cluster_text(*view)) << std::flush;
  return 0;
}

}  // namespace gregor::cli
