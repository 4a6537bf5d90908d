// `gregor transactions list|describe|describe-producers` and `gregor producers describe`, as
// kafka-transactions does them:
//   list: every transactional id each broker coordinates (ListTransactions to every broker):
//     TransactionalId Coordinator ProducerId TransactionState;
//   describe --transactional-id X: the coordinator's view (FindCoordinator, then
//     DescribeTransactions): producer id and epoch, state, timeout, start time and duration,
//     the partitions of the open transaction;
//   describe-producers --topic T [--partition P] (also `gregor producers describe T`): each
//     partition leader's active producers (DescribeProducers): producer id and epoch, the last
//     coordinator epoch, last sequence and timestamp, and the open transaction's first offset.
// The requests go over the wire directly (librdkafka 2.0 has no admin API for them). Exit 0
// when everything was described, 1 otherwise (errors print as "gregor: ...").
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/command_flags.h"

namespace gregor::cli {

struct TransactionsListOptions {
  ConnectionOptions conn;
  std::string output = "text";
  std::vector<std::string> states;  // --state filters
};

struct TransactionsDescribeOptions {
  ConnectionOptions conn;
  std::string output = "text";
  std::string transactional_id;
};

struct ProducersDescribeOptions {
  ConnectionOptions conn;
  std::string output = "text";
  std::string topic;
  std::optional<int32_t> partition;
};

CLI::App* define_transactions_list(CLI::App& parent, TransactionsListOptions& opts);
CLI::App* define_transactions_describe(CLI::App& parent, TransactionsDescribeOptions& opts);
// `transactions describe-producers --topic T` and `producers describe T` share the options.
CLI::App* define_transactions_describe_producers(CLI::App& parent, ProducersDescribeOptions& opts);
CLI::App* define_producers_describe(CLI::App& parent, ProducersDescribeOptions& opts);
int run_transactions_list(const TransactionsListOptions& opts);
int run_transactions_describe(const TransactionsDescribeOptions& opts);
int run_producers_describe(const ProducersDescribeOptions& opts);

}  // namespace gregor::cli
