#include "cli/perf_consume.h"

#include <climits>
#include <iostream>

#include "base/clock.h"
#include "cli/command_support.h"
#include "cli/interrupt_scope.h"
#include "cli/kafka_client.h"
#include "cli/perf_report.h"

namespace gregor::cli {
namespace {

constexpr int kBatch = 1024;
constexpr int kPollMs = 100;

// The partition ids of topic, or an error if it does not exist.
Result<std::vector<int32_t>> topic_partitions(rd_kafka_t* rk, const std::string& topic, int timeout_ms) {
  auto md = fetch_all_metadata(rk, timeout_ms);
  if (!md) return md.error();
  for (int i = 0; i < md.value()->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md.value()->topics[i];
    if (topic != t.topic) continue;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) return kafka_error("topic '" + topic + "'", t.err);
    std::vector<int32_t> ids;
    for (int p = 0; p < t.partition_cnt; ++p) ids.push_back(t.partitions[p].id);
    return ids;
  }
  return make_error(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "topic '" + topic + "' does not exist");
}

// Started partition consumers feeding one queue; stopped (in the order librdkafka requires)
// when destroyed.
class PartitionReader {
 public:
  PartitionReader(rd_kafka_t* rk, rd_kafka_topic_t* topic) : topic_(topic), queue_(rd_kafka_queue_new(rk)) {}
  ~PartitionReader() {
    for (int32_t p : started_) rd_kafka_consume_stop(topic_, p);
  }
  PartitionReader(const PartitionReader&) = delete;
  PartitionReader& operator=(const PartitionReader&) = delete;

  Status start(int32_t partition) {
    if (rd_kafka_consume_start_queue(topic_, partition, RD_KAFKA_OFFSET_BEGINNING, queue_.get()) != 0) {
      return kafka_error("cannot start consuming partition " + std::to_string(partition), rd_kafka_last_error());
    }
    started_.push_back(partition);
    return Status::OK();
  }
  rd_kafka_queue_t* queue() const { return queue_.get(); }

 private:
  rd_kafka_topic_t* topic_;
  QueueHandle queue_;
  std::vector<int32_t> started_;
};

}  // namespace

CLI::App* define_perf_consume(CLI::App& perf, PerfConsumeOptions& opts) {
  auto* app = perf.add_subcommand("consume", "Consumer throughput test (all partitions, from the beginning)");
  app->add_option("--topic", opts.topic, "Topic to consume")->required();
  app->add_option("--bootstrap-server", opts.bootstrap_server, "host:port of a broker")->capture_default_str();
  app->add_option("--num-records", opts.num_records, "Records to consume")
      ->required()
      ->check(CLI::Range(int64_t{1}, INT64_MAX));
  app->add_option("--timeout-ms", opts.timeout_ms, "Give up after this long without a record")
      ->check(CLI::Range(1, INT_MAX))
      ->capture_default_str();
  app->add_option("--consumer-prop", opts.consumer_props, "librdkafka consumer property k=v (repeatable)")
      ->allow_extra_args(false)
      ->check(check_key_value);
  app->add_option("--command-config,--consumer.config", opts.config_file, "File of consumer properties")
      ->check(CLI::ExistingFile);
  app->add_option("--output", opts.output, "text, or json: the figures as one JSON object")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  return app;
}

int run_perf_consume(const PerfConsumeOptions& opts) {
  auto props = user_properties(opts.config_file, opts.consumer_props);
  if (!props) {
    print_error(props.error().message);
    return kExitFailure;
  }
  auto client = make_client(RD_KAFKA_CONSUMER, opts.bootstrap_server, props.value());
  if (!client) {
    print_error(client.error().message);
    return kExitFailure;
  }
  rd_kafka_t* rk = client->get();
  auto partitions = topic_partitions(rk, opts.topic, opts.timeout_ms);
  if (!partitions) {
    print_error(partitions.error().message);
    return kExitFailure;
  }
  TopicHandle topic(rd_kafka_topic_new(rk, opts.topic.c_str(), nullptr));
  ConsumeSummary summary;
  summary.start_wall_ms = wall_ms();
  const int64_t start_ns = mono_ns();
  int64_t last_progress_ms = mono_ms();
  int rc = kExitOk;
  {
    PartitionReader reader(rk, topic.get());
    for (int32_t p : partitions.value()) {
      if (Status s = reader.start(p); !s) {
        print_error(s.error().message);
        return kExitFailure;
      }
    }
    InterruptScope interrupt;
    std::vector<rd_kafka_message_t*> batch(kBatch);
    const auto wanted = static_cast<uint64_t>(opts.num_records);
    while (summary.records < wanted && !InterruptScope::requested()) {
      const ssize_t n = rd_kafka_consume_batch_queue(reader.queue(), kPollMs, batch.data(), batch.size());
      if (n < 0) {
        print_error("consume failed: " + describe_kafka_error(rd_kafka_last_error()));
        rc = kExitFailure;
        break;
      }
      for (ssize_t i = 0; i < n; ++i) {
        rd_kafka_message_t* m = batch[i];
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && summary.records < wanted) {
          ++summary.records;
          summary.bytes += m->len + m->key_len;
          summary.end_wall_ms = wall_ms();
          summary.elapsed_s = static_cast<double>(mono_ns() - start_ns) / 1e9;
          last_progress_ms = mono_ms();
        } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          print_error("consume error: " + describe_kafka_error(m->err, rd_kafka_message_errstr(m)));
        }
        rd_kafka_message_destroy(m);
      }
      if (mono_ms() - last_progress_ms > opts.timeout_ms) break;
    }
  }
  if (summary.records == 0) summary.end_wall_ms = summary.start_wall_ms;
  if (opts.output == "json") {
    std::cout << consume_summary_json(summary) << std::endl;
  } else {
    std::cout << format_consume_report(summary) << std::flush;
  }
  if (summary.records < static_cast<uint64_t>(opts.num_records)) {
    print_error("consumed " + std::to_string(summary.records) + " of " + std::to_string(opts.num_records) +
                " records: no record for " + std::to_string(opts.timeout_ms) + " ms or interrupted");
    rc = kExitFailure;
  }
  return rc;
}

}  // namespace gregor::cli
