#include "cli/console_producer.h"

#include <atomic>
#include <climits>
#include <iostream>

#include "cli/interrupt_scope.h"
#include "cli/line_reader.h"

namespace gregor::cli {
namespace {

constexpr int kMaxReportedErrors = 10;

// Delivery outcomes, written by librdkafka's delivery callback (on the polling thread).
struct DeliveryState {
  std::atomic<int64_t> delivered{0};
  std::atomic<int64_t> failed{0};
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* state = static_cast<DeliveryState*>(opaque);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++state->delivered;
    return;
  }
  if (state->failed++ < kMaxReportedErrors) {
    print_error("delivery failed: " + describe_kafka_error(msg->err));
  }
}

// Sends one record, waiting while librdkafka's queue is full. The headers are handed over on
// success only.
Status send(rd_kafka_t* rk, const std::string& topic, int partition, const ConsoleRecord& r,
            const std::vector<KeyValue>& extra_headers) {
  while (true) {
    HeadersHandle headers(rd_kafka_headers_new(r.headers.size() + extra_headers.size()));
    for (const ConsoleHeader& h : r.headers) {
      rd_kafka_header_add(headers.get(), h.key.data(), static_cast<ssize_t>(h.key.size()),
                          h.value ? h.value->data() : nullptr, h.value ? static_cast<ssize_t>(h.value->size()) : 0);
    }
    for (const auto& [key, value] : extra_headers) {
      rd_kafka_header_add(headers.get(), key.data(), static_cast<ssize_t>(key.size()), value.data(),
                          static_cast<ssize_t>(value.size()));
    }
    // The macros cast their arguments without parentheses, so pass plain variables.
    const void* key = r.key ? r.key->data() : nullptr;
    const size_t key_size = r.key ? r.key->size() : 0;
    void* value = r.value ? const_cast<char*>(r.value->data()) : nullptr;  // Copied (MSG_F_COPY).
    const size_t value_size = r.value ? r.value->size() : 0;
    rd_kafka_headers_t* hdrs = headers.get();
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key, key_size), RD_KAFKA_V_VALUE(value, value_size), RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      headers.release();  // Now owned by the message.
      return Status::OK();
    }
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) return kafka_error("cannot produce to topic '" + topic + "'", err);
    rd_kafka_poll(rk, 100);
  }
}

}  // namespace

CLI::App* define_console_producer(CLI::App& parent, ConsoleProducerOptions& opts) {
  auto* app = parent.add_subcommand("produce", "Produce the lines of stdin to a topic (console producer)");
  app->add_option("--topic", opts.topic, "Topic to produce to")->required();
  auto append = [&opts](const std::vector<std::string>& more) {
    opts.reader_props.insert(opts.reader_props.end(), more.begin(), more.end());
  };
  app->add_option_function<std::vector<std::string>>("--property,--reader-property", append,
                                                     "Line reader property k=v (parse.key, key.separator, ...)")
      ->check(check_key_value);
  app->add_option("--header", opts.headers, "Header k=v added to every record (repeatable)")
      ->allow_extra_args(false)
      ->check(check_key_value);
  app->add_option("--partition", opts.partition, "Partition to produce to (default: by key)")
      ->check(CLI::Range(0, INT_MAX));
  app->add_option("--acks", opts.acks, "all (-1), 1 or 0")
      ->check(CLI::IsMember({"all", "-1", "0", "1"}))
      ->capture_default_str();
  add_connection_flags(app, opts.conn);
  return app;
}

int run_console_producer(const ConsoleProducerOptions& opts, std::istream& in) {
  auto reader_props = parse_key_values(opts.reader_props);
  if (!reader_props) {
    print_error(reader_props.error().message);
    return kExitFailure;
  }
  auto config = line_reader_config(reader_props.value());
  auto headers = parse_key_values(opts.headers);
  if (!config || !headers) {
    print_error(!config ? config.error().message : headers.error().message);
    return kExitFailure;
  }
  auto user = user_properties(opts.conn.command_config, opts.conn.command_props);
  if (!user) {
    print_error(user.error().message);
    return kExitFailure;
  }
  std::vector<KeyValue> props = {{"acks", opts.acks}, {"message.timeout.ms", std::to_string(opts.conn.timeout_ms)}};
  props.insert(props.end(), user->begin(), user->end());
  auto conf = make_conf(opts.conn.bootstrap_server, props);
  if (!conf) {
    print_error(conf.error().message);
    return kExitFailure;
  }
  DeliveryState state;
  rd_kafka_conf_set_dr_msg_cb(conf->get(), on_delivery);
  rd_kafka_conf_set_opaque(conf->get(), &state);
  auto client = make_client(RD_KAFKA_PRODUCER, std::move(conf.value()));
  if (!client) {
    print_error(client.error().message);
    return kExitFailure;
  }
  rd_kafka_t* rk = client->get();
  const int partition = opts.partition >= 0 ? opts.partition : RD_KAFKA_PARTITION_UA;

  int rc = kExitOk;
  int64_t sent = 0;
  {
    InterruptScope interrupt;
    std::string line;
    int64_t line_number = 0;
    while (!InterruptScope::requested() && std::getline(in, line)) {
      ++line_number;
      auto record = parse_line(config.value(), line, line_number);
      if (!record) {
        print_error(record.error().message);
        rc = kExitFailure;
        break;
      }
      if (Status s = send(rk, opts.topic, partition, record.value(), headers.value()); !s) {
        print_error(s.error().message);
        rc = kExitFailure;
        break;
      }
      ++sent;
      rd_kafka_poll(rk, 0);
    }
  }
  // librdkafka fails every record after message.timeout.ms, so this wait is bounded; the
  // grace period covers the last callbacks.
  rd_kafka_flush(rk, opts.conn.timeout_ms + 5000);
  const int64_t undelivered = sent - state.delivered - state.failed;
  if (state.failed > 0) {
    print_error(std::to_string(state.failed.load()) + " of " + std::to_string(sent) + " records were not delivered");
    rc = kExitFailure;
  }
  if (undelivered > 0) {
    print_error(std::to_string(undelivered) + " records had no delivery report in time");
    rc = kExitFailure;
  }
  return rc;
}

}  // namespace gregor::cli
