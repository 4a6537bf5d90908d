// `gregor perf consume`: a consumer throughput test in the manner of kafka-consumer-perf-test.
// Reads every partition of --topic from the beginning without a consumer group (librdkafka's
// partition consumer, one shared queue), until --num-records records have arrived or no record
// has arrived for --timeout-ms. Prints kafka-consumer-perf-test's header and value lines, or
// with --output json one JSON object. Exit code 1 if fewer than --num-records were read.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace gregor::cli {

struct PerfConsumeOptions {
  std::string topic;
  std::string bootstrap_server = "localhost:9092";
  int64_t num_records = 0;
  int timeout_ms = 10000;  // Longest wait for the next record (and for metadata).
  std::vector<std::string> consumer_props;  // k=v, applied last.
  std::string config_file;                  // --consumer.config / --command-config
  std::string output = "text";
};

CLI::App* define_perf_consume(CLI::App& perf, PerfConsumeOptions& opts);

int run_perf_consume(const PerfConsumeOptions& opts);

}  // namespace gregor::cli
