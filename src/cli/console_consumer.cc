#include "cli/console_consumer.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdio>
#include <memory>

#include "base/clock.h"
#include "cli/command_support.h"
#include "cli/interrupt_scope.h"
#include "cli/kafka_client.h"
#include "cli/message_formatter.h"
#include "cli/topics_admin.h"

namespace gregor::cli {
namespace {

constexpr int kPollMs = 100;
constexpr int kMetadataTimeoutMs = 30000;

struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
using MessageHandle = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

ConsoleRecord to_record(const rd_kafka_message_t* m) {
  ConsoleRecord r;
  r.partition = m->partition;
  r.offset = m->offset;
  if (m->key != nullptr) r.key.emplace(static_cast<const char*>(m->key), m->key_len);
  if (m->payload != nullptr) r.value.emplace(static_cast<const char*>(m->payload), m->len);
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  r.timestamp = rd_kafka_message_timestamp(m, &type);
  r.timestamp_kind = type == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? TimestampKind::kCreateTime
                     : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? TimestampKind::kLogAppendTime
                                                                  : TimestampKind::kNone;
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
      ConsoleHeader h{name, std::nullopt};
      if (value != nullptr) h.value.emplace(static_cast<const char*>(value), size);
      r.headers.push_back(std::move(h));
    }
  }
  return r;
}

// Errors after which consuming cannot make progress; others (a broker restarting) are
// reported and retried by librdkafka.
bool is_fatal(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
      return true;
    default:
      return false;
  }
}

// The consumer's librdkafka properties: ours first, the user's --command-property last.
Result<std::vector<KeyValue>> consumer_properties(const ConsoleConsumerOptions& opts) {
  const bool grouped = !opts.group.empty();
  std::vector<KeyValue> props = {
      // librdkafka's consumer API needs a group id even for assign(); without --group it is
      // a private one that never joins or commits.
      {"group.id", grouped ? opts.group : "gregor-console-consumer-" + std::to_string(getpid())},
      {"enable.auto.commit", grouped ? "true" : "false"},
      {"enable.auto.offset.store", "true"},
      {"auto.offset.reset", opts.from_beginning ? "earliest" : "latest"},
      {"enable.partition.eof", "false"},
      {"isolation.level", opts.isolation_level},
  };
  auto user = user_properties(opts.config_file, opts.consumer_props);
  if (!user) return user.error();
  props.insert(props.end(), user->begin(), user->end());
  return props;
}

// Starts consuming: assigns the partition(s), or subscribes with a group.
Status start(rd_kafka_t* rk, const ConsoleConsumerOptions& opts) {
  auto topics = list_topic_infos(rk, kMetadataTimeoutMs);
  if (!topics) return topics.error();
  const TopicInfo* topic = nullptr;
  for (const TopicInfo& t : topics.value()) {
    if (t.name == opts.topic) topic = &t;
  }
  if (topic == nullptr) {
    return make_error(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "topic '" + opts.topic + "' does not exist");
  }
  PartitionListHandle list(rd_kafka_topic_partition_list_new(static_cast<int>(topic->partitions.size())));
  if (opts.partition >= 0) {
    const bool exists = std::any_of(topic->partitions.begin(), topic->partitions.end(),
                                    [&](const PartitionInfo& p) { return p.id == opts.partition; });
    if (!exists) {
      return make_error(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "partition " + std::to_string(opts.partition) +
                                                                     " of topic '" + opts.topic + "' does not exist");
    }
    auto offset = start_offset_of(opts.offset, opts.from_beginning);
    if (!offset) return offset.error();
    rd_kafka_topic_partition_list_add(list.get(), opts.topic.c_str(), opts.partition)->offset = offset.value();
  } else if (!opts.group.empty()) {
    rd_kafka_topic_partition_list_add(list.get(), opts.topic.c_str(), RD_KAFKA_PARTITION_UA);
    if (auto err = rd_kafka_subscribe(rk, list.get()); err) return kafka_error("cannot subscribe", err);
    return Status::OK();
  } else {
    const int64_t offset = opts.from_beginning ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
    for (const PartitionInfo& p : topic->partitions) {
      rd_kafka_topic_partition_list_add(list.get(), opts.topic.c_str(), p.id)->offset = offset;
    }
  }
  if (auto err = rd_kafka_assign(rk, list.get()); err) return kafka_error("cannot assign partitions", err);
  return Status::OK();
}

}  // namespace

Result<int64_t> start_offset_of(const std::string& offset, bool from_beginning) {
  if (offset.empty()) return from_beginning ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
  if (offset == "earliest") return RD_KAFKA_OFFSET_BEGINNING;
  if (offset == "latest") return RD_KAFKA_OFFSET_END;
  int64_t n = -1;
  auto [end, ec] = std::from_chars(offset.data(), offset.data() + offset.size(), n);
  if (ec != std::errc() || end != offset.data() + offset.size() || n < 0) {
    return make_error(0, "invalid --offset '" + offset + "': expected a non-negative number, earliest or latest");
  }
  return n;
}

CLI::App* define_console_consumer(CLI::App& parent, ConsoleConsumerOptions& opts) {
  auto* app = parent.add_subcommand("consume", "Print the records of a topic to stdout (console consumer)");
  app->add_option("--bootstrap-server", opts.bootstrap_server, "host:port of a broker")->capture_default_str();
  app->add_option("--topic", opts.topic, "Topic to consume")->required();
  app->add_option("--group", opts.group, "Consumer group to join (offsets are committed)");
  app->add_flag("--from-beginning", opts.from_beginning, "Start at the earliest offset when there is no committed one");
  app->add_option("--max-messages", opts.max_messages, "Exit after this many records")
      ->check(CLI::Range(int64_t{1}, INT64_MAX));
  auto* partition =
      app->add_option("--partition", opts.partition, "Consume only this partition")->check(CLI::Range(0, INT_MAX));
  app->add_option("--offset", opts.offset, "With --partition: a number, earliest or latest (default latest)")
      ->needs(partition);
  app->add_option("--timeout-ms", opts.timeout_ms, "Exit when no record came for this long")
      ->check(CLI::Range(1, INT_MAX));
  auto append = [&opts](const std::vector<std::string>& more) {
    opts.formatter_props.insert(opts.formatter_props.end(), more.begin(), more.end());
  };
  app->add_option_function<std::vector<std::string>>("--property,--formatter-property", append,
                                                     "Formatter property k=v (print.key=true, key.separator=:, ...)")
      ->check(check_key_value);
  app->add_option("--isolation-level", opts.isolation_level, "read_uncommitted or read_committed")
      ->check(CLI::IsMember({"read_uncommitted", "read_committed"}))
      ->capture_default_str();
  app->add_option("--command-property,--consumer-property", opts.consumer_props,
                  "librdkafka consumer property k=v (repeatable)")
      ->allow_extra_args(false)
      ->check(check_key_value);
  app->add_option("--command-config,--consumer.config", opts.config_file, "File of consumer properties")
      ->check(CLI::ExistingFile);
  return app;
}

int run_console_consumer(const ConsoleConsumerOptions& opts) {
  auto formatter_props = parse_key_values(opts.formatter_props);
  if (!formatter_props) {
    print_error(formatter_props.error().message);
    return kExitFailure;
  }
  auto format = formatter_config(formatter_props.value());
  auto props = consumer_properties(opts);
  if (!format || !props) {
    print_error(!format ? format.error().message : props.error().message);
    return kExitFailure;
  }
  if (opts.partition >= 0) {
    if (auto offset = start_offset_of(opts.offset, opts.from_beginning); !offset) {
      print_error(offset.error().message);
      return kExitFailure;
    }
  }
  auto client = make_client(RD_KAFKA_CONSUMER, opts.bootstrap_server, props.value());
  if (!client) {
    print_error(client.error().message);
    return kExitFailure;
  }
  rd_kafka_t* rk = client->get();
  rd_kafka_poll_set_consumer(rk);
  if (Status s = start(rk, opts); !s) {
    print_error(s.error().message);
    rd_kafka_consumer_close(rk);
    return kExitFailure;
  }

  int rc = kExitOk;
  int64_t count = 0;
  {
    InterruptScope interrupt;
    int64_t last_activity = mono_ms();
    while (!InterruptScope::requested() && (opts.max_messages < 0 || count < opts.max_messages)) {
      MessageHandle m(rd_kafka_consumer_poll(rk, kPollMs));
      if (!m) {
        if (opts.timeout_ms > 0 && mono_ms() - last_activity >= opts.timeout_ms) break;
        continue;
      }
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
        print_error(describe_kafka_error(m->err, rd_kafka_message_errstr(m.get())));
        if (is_fatal(m->err)) {
          rc = kExitFailure;
          break;
        }
        continue;
      }
      last_activity = mono_ms();
      const std::string text = format_record(format.value(), to_record(m.get()));
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
      ++count;
    }
  }
  // Leaves the group and commits the offsets of what was printed (with --group).
  if (auto err = rd_kafka_consumer_close(rk); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    print_error("closing the consumer: " + describe_kafka_error(err));
    rc = kExitFailure;
  }
  std::fprintf(stderr, "Processed a total of %lld messages\n", static_cast<long long>(count));
  return rc;
}

}  // namespace gregor::cli
