#include "cli/transactions_command.h"

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <map>

#include "cli/json_output.h"
#include "cli/table.h"
#include "cli/wire_call.h"
#include "model/error_code.h"
#include "protocol/generated/messages.h"

namespace gregor::cli {

namespace {

constexpr int16_t kMetadataVersion = 12, kFindCoordinatorVersion = 3, kListTransactionsVersion = 1,
                  kDescribeTransactionsVersion = 0, kDescribeProducersVersion = 0;

int64_t wall_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int fail(const std::string& what) {
  std::cerr << "gregor: " << what << "\n";
  return 1;
}

std::string error_text(int16_t code) {
  return fmt::format("{} ({})", model::error_name(model::ErrorCode(code)), code);
}

struct BrokerAddress {
  int32_t id;
  std::string address;  // host:port
};

Result<proto::MetadataResponse> metadata(const ConnectionOptions& conn, std::optional<std::string> topic) {
  proto::MetadataRequest md;
  if (topic) {
    md.topics.emplace();
    md.topics->emplace_back().name = *topic;
  } else {
    md.topics = std::vector<proto::MetadataRequest::MetadataRequestTopic>{};
  }
  md.allow_auto_topic_creation = false;
  return wire_call<proto::MetadataResponse>(conn.bootstrap_server, md, kMetadataVersion, conn.timeout_ms);
}

std::map<int32_t, std::string> addresses(const proto::MetadataResponse& md) {
  std::map<int32_t, std::string> out;
  for (const auto& b : md.brokers) out[b.node_id] = fmt::format("{}:{}", b.host, b.port);
  return out;
}

std::string partitions_text(const std::vector<proto::DescribeTransactionsResponse::TopicData>& topics) {
  std::string out;
  for (const auto& t : topics)
    for (int32_t p : t.partitions) out += fmt::format("{}{}-{}", out.empty() ? "" : ",", t.topic, p);
  return out;
}

}  // namespace

CLI::App* define_transactions_list(CLI::App& parent, TransactionsListOptions& opts) {
  auto* cmd = parent.add_subcommand("list", "Transactional ids and their states, from every broker");
  cmd->add_option("--state", opts.states, "Only these states (Empty, Ongoing, PrepareCommit, ...)")->delimiter(',');
  add_connection_flags(cmd, opts.conn);
  add_output_flag(cmd, opts.output);
  return cmd;
}

CLI::App* define_transactions_describe(CLI::App& parent, TransactionsDescribeOptions& opts) {
  auto* cmd = parent.add_subcommand("describe", "A transactional id's state at its coordinator");
  cmd->add_option("--transactional-id", opts.transactional_id, "The transactional id")->required();
  add_connection_flags(cmd, opts.conn);
  add_output_flag(cmd, opts.output);
  return cmd;
}

CLI::App* define_transactions_describe_producers(CLI::App& parent, ProducersDescribeOptions& opts) {
  auto* cmd = parent.add_subcommand("describe-producers", "The active producers of a topic's partitions");
  cmd->add_option("--topic", opts.topic, "The topic")->required();
  cmd->add_option("--partition", opts.partition, "Only this partition");
  add_connection_flags(cmd, opts.conn);
  add_output_flag(cmd, opts.output);
  return cmd;
}

CLI::App* define_producers_describe(CLI::App& parent, ProducersDescribeOptions& opts) {
  auto* cmd = parent.add_subcommand("describe", "The active producers of a topic's partitions");
  cmd->add_option("topic", opts.topic, "The topic")->required();
  cmd->add_option("--partition", opts.partition, "Only this partition");
  add_connection_flags(cmd, opts.conn);
  add_output_flag(cmd, opts.output);
  return cmd;
}

int run_transactions_list(const TransactionsListOptions& opts) {
  if (auto s = check_plaintext_only(opts.conn); !s.ok()) return fail(s.error().message);
  auto md = metadata(opts.conn, std::nullopt);
  if (!md.ok()) return fail("cannot list brokers: " + md.error().message);
  proto::ListTransactionsRequest req;
  req.state_filters = opts.states;
  Table table({"TransactionalId", "Coordinator", "ProducerId", "TransactionState"});
  nlohmann::json rows = nlohmann::json::array();
  int rc = 0;
  for (const auto& [id, address] : addresses(*md)) {
    auto resp = wire_call<proto::ListTransactionsResponse>(address, req, kListTransactionsVersion, opts.conn.timeout_ms);
    if (!resp.ok() || resp->error_code != 0) {
      rc = fail(fmt::format("broker {} did not list its transactions: {}", id,
                            resp.ok() ? error_text(resp->error_code) : resp.error().message));
      continue;
    }
    for (const auto& s : resp->unknown_state_filters) std::cerr << "gregor: unknown state " << s << "\n";
    for (const auto& t : resp->transaction_states) {
      table.add_row({t.transactional_id, std::to_string(id), std::to_string(t.producer_id), t.transaction_state});
      rows.push_back({{"transactional_id", t.transactional_id}, {"coordinator", id},
                      {"producer_id", t.producer_id}, {"state", t.transaction_state}});
    }
  }
  std::cout << (opts.output == "json" ? dump_json(rows) : table.format()) << std::flush;
  return rc;
}

int run_transactions_describe(const TransactionsDescribeOptions& opts) {
  if (auto s = check_plaintext_only(opts.conn); !s.ok()) return fail(s.error().message);
  proto::FindCoordinatorRequest find;
  find.key = opts.transactional_id;
  find.key_type = 1;
  auto where = wire_call<proto::FindCoordinatorResponse>(opts.conn.bootstrap_server, find, kFindCoordinatorVersion,
                                                         opts.conn.timeout_ms);
  if (!where.ok()) return fail("cannot find the coordinator: " + where.error().message);
  if (where->error_code != 0)
    return fail(fmt::format("cannot find the coordinator of {}: {}", opts.transactional_id, error_text(where->error_code)));
  proto::DescribeTransactionsRequest req;
  req.transactional_ids.push_back(opts.transactional_id);
  auto resp = wire_call<proto::DescribeTransactionsResponse>(fmt::format("{}:{}", where->host, where->port), req,
                                                             kDescribeTransactionsVersion, opts.conn.timeout_ms);
  if (!resp.ok()) return fail("cannot describe the transaction: " + resp.error().message);
  if (resp->transaction_states.empty()) return fail("the coordinator answered nothing");
  const auto& t = resp->transaction_states[0];
  if (t.error_code != 0) return fail(fmt::format("cannot describe {}: {}", opts.transactional_id, error_text(t.error_code)));
  const int64_t now = wall_now();
  const std::string duration = t.transaction_start_time_ms < 0 ? "None" : std::to_string(now - t.transaction_start_time_ms);
  if (opts.output == "json") {
    nlohmann::json j{{"coordinator_id", where->node_id}, {"transactional_id", t.transactional_id},
                     {"producer_id", t.producer_id}, {"producer_epoch", t.producer_epoch},
                     {"state", t.transaction_state}, {"timeout_ms", t.transaction_timeout_ms},
                     {"start_time_ms", t.transaction_start_time_ms},
                     {"duration_ms", t.transaction_start_time_ms < 0 ? nlohmann::json(nullptr)
                                                                     : nlohmann::json(now - t.transaction_start_time_ms)}};
    j["topic_partitions"] = nlohmann::json::array();
    for (const auto& tp : t.topics)
      for (int32_t p : tp.partitions) j["topic_partitions"].push_back({{"topic", tp.topic}, {"partition", p}});
    std::cout << dump_json(j) << std::flush;
    return 0;
  }
  Table table({"CoordinatorId", "TransactionalId", "ProducerId", "ProducerEpoch", "TransactionState",
               "TransactionTimeoutMs", "CurrentTransactionStartTimeMs", "TransactionDurationMs", "TopicPartitions"});
  table.add_row({std::to_string(where->node_id), t.transactional_id, std::to_string(t.producer_id),
                 std::to_string(t.producer_epoch), t.transaction_state, std::to_string(t.transaction_timeout_ms),
                 t.transaction_start_time_ms < 0 ? "None" : std::to_string(t.transaction_start_time_ms), duration,
                 partitions_text(t.topics)});
  std::cout << table.format() << std::flush;
  return 0;
}

int run_producers_describe(const ProducersDescribeOptions& opts) {
  if (auto s = check_plaintext_only(opts.conn); !s.ok()) return fail(s.error().message);
  auto md = metadata(opts.conn, opts.topic);
  if (!md.ok()) return fail("cannot read the topic's metadata: " + md.error().message);
  if (md->topics.empty() || md->topics[0].error_code != 0)
    return fail(fmt::format("topic {}: {}", opts.topic,
                            error_text(md->topics.empty() ? int16_t(3) : md->topics[0].error_code)));
  const auto brokers = addresses(*md);
  Table table({"Topic", "Partition", "ProducerId", "ProducerEpoch", "LatestCoordinatorEpoch", "LastSequence",
               "LastTimestamp", "CurrentTransactionStartOffset"});
  nlohmann::json rows = nlohmann::json::array();
  int rc = 0;
  bool found = false;
  for (const auto& p : md->topics[0].partitions) {
    if (opts.partition && p.partition_index != *opts.partition) continue;
    found = true;
    auto it = brokers.find(p.leader_id);
    if (it == brokers.end()) {
      rc = fail(fmt::format("{}-{} has no leader", opts.topic, p.partition_index));
      continue;
    }
    proto::DescribeProducersRequest req;
    auto& t = req.topics.emplace_back();
    t.name = opts.topic;
    t.partition_indexes.push_back(p.partition_index);
    auto resp = wire_call<proto::DescribeProducersResponse>(it->second, req, kDescribeProducersVersion, opts.conn.timeout_ms);
    if (!resp.ok() || resp->topics.empty() || resp->topics[0].partitions.empty()) {
      rc = fail(fmt::format("{}-{}: {}", opts.topic, p.partition_index,
                            resp.ok() ? std::string("no answer") : resp.error().message));
      continue;
    }
    const auto& pr = resp->topics[0].partitions[0];
    if (pr.error_code != 0) {
      rc = fail(fmt::format("{}-{}: {}", opts.topic, p.partition_index, error_text(pr.error_code)));
      continue;
    }
    for (const auto& s : pr.active_producers) {
      table.add_row({opts.topic, std::to_string(p.partition_index), std::to_string(s.producer_id),
                     std::to_string(s.producer_epoch),
                     s.coordinator_epoch < 0 ? "None" : std::to_string(s.coordinator_epoch),
                     std::to_string(s.last_sequence), std::to_string(s.last_timestamp),
                     s.current_txn_start_offset < 0 ? "None" : std::to_string(s.current_txn_start_offset)});
      rows.push_back({{"topic", opts.topic}, {"partition", p.partition_index}, {"producer_id", s.producer_id},
                      {"producer_epoch", s.producer_epoch}, {"coordinator_epoch", s.coordinator_epoch},
                      {"last_sequence", s.last_sequence}, {"last_timestamp", s.last_timestamp},
                      {"current_txn_start_offset", s.current_txn_start_offset}});
    }
  }
  if (!found) return fail(fmt::format("{} has no partition {}", opts.topic, opts.partition.value_or(-1)));
  std::cout << (opts.output == "json" ? dump_json(rows) : table.format()) << std::flush;
  return rc;
}

}  // namespace gregor::cli
