// `gregor perf produce`: a producer load generator in the manner of kafka-producer-perf-test.
// Sends --num-records records (or for --duration-s seconds) of --record-size bytes from a
// PayloadPool with null keys, optionally throttled to --throughput records/s, and measures each
// record's latency from produce() to its delivery report. Prints a progress line every
// --report-interval-ms (5 s) and a final line with throughput and latency percentiles; with
// --output json the final figures are one JSON object on stdout and progress goes to stderr.
// With --transactional-id the records go in transactions of --transaction-size records each
// (init, begin, commit; a record's latency then includes waiting for its commit).
// Exit code 1 if any record failed or the producer could not start.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace gregor::cli {

struct PerfProduceOptions {
  std::string topic;
  std::string bootstrap_server = "localhost:9092";
  int record_size = 1024;
  int64_t num_records = -1;   // Exactly one of num_records and duration_s is set.
  double duration_s = -1;
  std::string acks = "all";
  std::string compression = "none";
  int linger_ms = -1;         // -1: librdkafka's default.
  int batch_size = -1;        // -1: librdkafka's default.
  double throughput = -1;     // Records/s; <= 0 means unthrottled.
  std::vector<std::string> producer_props;  // k=v, applied last.
  std::string config_file;                  // --producer.config / --command-config
  std::string output = "text";              // text | json
  int report_interval_ms = 5000;
  int metadata_timeout_ms = 30000;
  std::string transactional_id;  // empty: no transactions
  int64_t transaction_size = 1000;
  int transaction_timeout_ms = 60000;  // for init/commit calls
};

CLI::App* define_perf_produce(CLI::App& perf, PerfProduceOptions& opts);

// The librdkafka properties the options imply (before --producer-prop overrides).
std::vector<std::pair<std::string, std::string>> producer_properties(const PerfProduceOptions& opts);

int run_perf_produce(const PerfProduceOptions& opts);

}  // namespace gregor::cli
