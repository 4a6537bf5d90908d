#include "cli/perf_produce.h"

#include <climits>
#include <iostream>

#include "base/clock.h"
#include "cli/command_support.h"
#include "cli/interrupt_scope.h"
#include "cli/kafka_client.h"
#include "cli/latency_histogram.h"
#include "cli/payload_pool.h"
#include "cli/perf_report.h"

namespace gregor::cli {
namespace {

constexpr uint64_t kMaxPrintedErrors = 5;

// State shared between the produce loop and the delivery-report callback. Both run on the
// command's thread: callbacks are served only from rd_kafka_poll() calls made by the loop.
class ProduceRun {
 public:
  ProduceRun(const PerfProduceOptions& opts, std::ostream& progress)
      : opts_(opts), progress_(progress) {}

  // Starts the clock; call just before the first produce().
  void begin() { start_ns_ = window_start_ns_ = mono_ns(); }
  int64_t start_ns() const { return start_ns_; }

  // The opaque carried by a record: its send time, in ns since start.
  void* stamp() const { return reinterpret_cast<void*>(static_cast<uintptr_t>(mono_ns() - start_ns_)); }

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
    static_cast<ProduceRun*>(opaque)->delivered(msg);
  }

  void maybe_report() {
    const int64_t now = mono_ns();
    const int64_t window_ns = now - window_start_ns_;
    if (window_ns < int64_t{opts_.report_interval_ms} * 1'000'000) return;
    progress_ << format_produce_progress(window_.count(), window_bytes_, static_cast<double>(window_ns) / 1e9,
                                         window_.mean() / 1000.0, static_cast<double>(window_.max()) / 1000.0)
              << std::endl;
    window_.reset();
    window_bytes_ = 0;
    window_start_ns_ = now;
  }

  ProduceSummary summary() const {
    const int64_t end = last_delivery_ns_ ? last_delivery_ns_ : mono_ns();
    return summarize_produce(total_, total_bytes_, errors_, static_cast<double>(end - start_ns_) / 1e9);
  }

  uint64_t errors() const { return errors_; }

 private:
  void delivered(const rd_kafka_message_t* msg) {
    const int64_t now = mono_ns();
    last_delivery_ns_ = now;
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (++errors_ <= kMaxPrintedErrors) {
        print_error("delivery failed: " + describe_kafka_error(msg->err, rd_kafka_message_errstr(msg)));
      }
      return;
    }
    const auto sent_ns = static_cast<int64_t>(reinterpret_cast<uintptr_t>(msg->_private));
    const int64_t latency_ns = now - start_ns_ - sent_ns;
    const uint64_t micros = latency_ns > 0 ? static_cast<uint64_t>(latency_ns / 1000) : 0;
    total_.record(micros);
    window_.record(micros);
    total_bytes_ += msg->len;
    window_bytes_ += msg->len;
  }

  const PerfProduceOptions& opts_;
  std::ostream& progress_;
  int64_t start_ns_ = 0;
  int64_t window_start_ns_ = 0;
  int64_t last_delivery_ns_ = 0;
  LatencyHistogram total_;
  LatencyHistogram window_;
  uint64_t total_bytes_ = 0;
  uint64_t window_bytes_ = 0;
  uint64_t errors_ = 0;
};

// Fails unless the topic is in the cluster's metadata (so a missing topic is an error now
// rather than a delivery timeout minutes later).
Status check_topic_exists(rd_kafka_t* rk, const std::string& topic, int timeout_ms) {
  auto md = fetch_all_metadata(rk, timeout_ms);
  if (!md) return md.error();
  for (int i = 0; i < md.value()->topic_cnt; ++i) {
    if (topic == md.value()->topics[i].topic) return Status::OK();
  }
  return make_error(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
                    "topic '" + topic + "' does not exist (create it with `gregor topics create`)");
}

// Sleeps (serving callbacks) while the run is ahead of the --throughput schedule for record i.
void throttle(rd_kafka_t* rk, const PerfProduceOptions& opts, int64_t start_ns, int64_t i) {
  if (opts.throughput <= 0) return;
  const auto due_ns = start_ns + static_cast<int64_t>(static_cast<double>(i) * 1e9 / opts.throughput);
  for (;;) {
    const int64_t ahead_ms = (due_ns - mono_ns()) / 1'000'000;
    if (ahead_ms < 1 || InterruptScope::requested()) return;
    rd_kafka_poll(rk, static_cast<int>(std::min<int64_t>(ahead_ms, 100)));
  }
}

}  // namespace

CLI::App* define_perf_produce(CLI::App& perf, PerfProduceOptions& opts) {
  auto* app = perf.add_subcommand("produce", "Producer throughput and latency test");
  app->add_option("--topic", opts.topic, "Topic to produce to")->required();
  app->add_option("--bootstrap-server", opts.bootstrap_server, "host:port of a broker")->capture_default_str();
  app->add_option("--record-size", opts.record_size, "Payload bytes per record")
      ->check(CLI::Range(1, 64 << 20))
      ->capture_default_str();
  auto* limit = app->add_option_group("limit", "How long to run (exactly one)");
  limit->add_option("--num-records", opts.num_records, "Records to send")->check(CLI::Range(int64_t{1}, INT64_MAX));
  limit->add_option("--duration-s", opts.duration_s, "Seconds to send for")->check(CLI::PositiveNumber);
  limit->require_option(1);
  app->add_option("--acks", opts.acks, "Producer acks")
      ->check(CLI::IsMember({"0", "1", "all", "-1"}))
      ->capture_default_str();
  app->add_option("--compression", opts.compression, "Compression codec")
      ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}))
      ->capture_default_str();
  app->add_option("--linger-ms", opts.linger_ms, "linger.ms (default: librdkafka's)")->check(CLI::Range(0, 900000));
  app->add_option("--batch-size", opts.batch_size, "batch.size in bytes (default: librdkafka's)")
      ->check(CLI::Range(1, INT_MAX));
  app->add_option("--throughput", opts.throughput, "Max records/s; -1 for no limit")->capture_default_str();
  app->add_option("--producer-prop", opts.producer_props, "librdkafka producer property k=v (repeatable)")
      ->allow_extra_args(false)
      ->check(check_key_value);
  app->add_option("--command-config,--producer.config", opts.config_file, "File of producer properties")
      ->check(CLI::ExistingFile);
  app->add_option("--output", opts.output, "text, or json: the final figures as one JSON object")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app->add_option("--report-interval-ms", opts.report_interval_ms, "Progress line interval")
      ->check(CLI::Range(1, INT_MAX))
      ->capture_default_str();
  app->add_option("--transactional-id", opts.transactional_id, "Send in transactions with this transactional.id");
  app->add_option("--transaction-size", opts.transaction_size, "Records per transaction (with --transactional-id)")
      ->check(CLI::Range(int64_t{1}, INT64_MAX))
      ->capture_default_str();
  return app;
}

std::vector<std::pair<std::string, std::string>> producer_properties(const PerfProduceOptions& opts) {
  std::vector<std::pair<std::string, std::string>> props = {
      {"acks", opts.acks},
      {"compression.type", opts.compression},
  };
  if (opts.linger_ms >= 0) props.emplace_back("linger.ms", std::to_string(opts.linger_ms));
  if (opts.batch_size > 0) props.emplace_back("batch.size", std::to_string(opts.batch_size));
  if (!opts.transactional_id.empty()) props.emplace_back("transactional.id", opts.transactional_id);
  return props;
}

int run_perf_produce(const PerfProduceOptions& opts) {
  auto user_props = user_properties(opts.config_file, opts.producer_props);
  if (!user_props) {
    print_error(user_props.error().message);
    return kExitFailure;
  }
  auto props = producer_properties(opts);
  props.insert(props.end(), user_props->begin(), user_props->end());
  auto conf = make_conf(opts.bootstrap_server, props);
  if (!conf) {
    print_error(conf.error().message);
    return kExitFailure;
  }

  std::ostream& progress = opts.output == "json" ? std::cerr : std::cout;
  const PayloadPool pool(static_cast<size_t>(opts.record_size));  // Outlives the client below.
  ProduceRun run(opts, progress);
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &ProduceRun::on_delivery);
  rd_kafka_conf_set_opaque(conf->get(), &run);
  auto client = make_client(RD_KAFKA_PRODUCER, std::move(conf.value()));
  if (!client) {
    print_error(client.error().message);
    return kExitFailure;
  }
  rd_kafka_t* rk = client->get();
  if (Status s = check_topic_exists(rk, opts.topic, opts.metadata_timeout_ms); !s) {
    print_error(s.error().message);
    return kExitFailure;
  }
  TopicHandle topic(rd_kafka_topic_new(rk, opts.topic.c_str(), nullptr));
  const bool transactional = !opts.transactional_id.empty();
  // A transactional call's error, printed; true when it failed.
  auto txn_failed = [](const char* what, rd_kafka_error_t* error) {
    if (!error) return false;
    print_error(std::string(what) + " failed: " + rd_kafka_error_string(error));
    rd_kafka_error_destroy(error);
    return true;
  };
  if (transactional && (txn_failed("init_transactions", rd_kafka_init_transactions(rk, opts.transaction_timeout_ms)) ||
                        txn_failed("begin_transaction", rd_kafka_begin_transaction(rk))))
    return kExitFailure;

  InterruptScope interrupt;
  run.begin();
  const int64_t stop_ns = opts.duration_s > 0 ? mono_ns() + static_cast<int64_t>(opts.duration_s * 1e9) : INT64_MAX;
  bool failed = false;
  for (int64_t i = 0; opts.num_records < 0 || i < opts.num_records; ++i) {
    throttle(rk, opts, run.start_ns(), i);
    if (InterruptScope::requested() || mono_ns() >= stop_ns) break;
    for (;;) {
      if (rd_kafka_produce(topic.get(), RD_KAFKA_PARTITION_UA, 0, const_cast<uint8_t*>(pool.payload(i)),
                           pool.record_size(), nullptr, 0, run.stamp()) == 0) {
        break;
      }
      rd_kafka_resp_err_t err = rd_kafka_last_error();
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        print_error("produce failed: " + describe_kafka_error(err));
        failed = true;
        break;
      }
      rd_kafka_poll(rk, 5);  // Queue full: serve delivery reports, then retry the same record.
    }
    if (failed) break;
    rd_kafka_poll(rk, 0);
    run.maybe_report();
    if (transactional && (i + 1) % opts.transaction_size == 0) {
      // Commit flushes the transaction's records (their delivery reports are served meanwhile).
      if (txn_failed("commit_transaction", rd_kafka_commit_transaction(rk, opts.transaction_timeout_ms)) ||
          txn_failed("begin_transaction", rd_kafka_begin_transaction(rk))) {
        failed = true;
        break;
      }
    }
  }
  if (transactional && !failed &&
      txn_failed("commit_transaction", rd_kafka_commit_transaction(rk, opts.transaction_timeout_ms)))
    failed = true;
  // Drain: every queued record gets a delivery report within message.timeout.ms. After an
  // interrupt, records still unsent after kInterruptDrainMs are purged (and count as failed).
  constexpr int64_t kInterruptDrainMs = 5000;
  const int64_t drain_start_ms = mono_ms();
  bool purged = false;
  while (rd_kafka_outq_len(rk) > 0) {
    rd_kafka_poll(rk, 50);
    run.maybe_report();
    if (!purged && InterruptScope::requested() && mono_ms() - drain_start_ms > kInterruptDrainMs) {
      rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      purged = true;
    }
    char reason[256];
    if (rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(rk, reason, sizeof reason); fatal) {
      print_error("producer failed: " + describe_kafka_error(fatal, reason));
      failed = true;
      break;
    }
  }

  const ProduceSummary summary = run.summary();
  if (opts.output == "json") {
    std::cout << produce_summary_json(summary) << std::endl;
  } else {
    std::cout << format_produce_final(summary) << std::endl;
  }
  if (summary.errors > 0) print_error(std::to_string(summary.errors) + " records failed");
  return failed || summary.errors > 0 ? kExitFailure : kExitOk;
}

}  // namespace gregor::cli
