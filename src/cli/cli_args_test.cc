// Argument parsing of every subcommand (define_* binds flags without running anything), and
// the register_commands wiring: callbacks run the command and map failure to an exit code.
#include <gtest/gtest.h>

#include <algorithm>

#include "cli/args_test_util.h"
#include "cli/cli.h"
#include "cli/dump_log.h"
#include "cli/perf_consume.h"
#include "cli/perf_produce.h"
#include "cli/topics_command.h"

namespace gregor::cli {
namespace {

using args_test::expect_parse_error;
using args_test::parse;

TEST(TopicsArgs, CreateTakesNameCountsAndConfigs) {
  auto o = parse<TopicsCreateOptions>(define_topics_create,
                                      "create orders --partitions 6 --replication-factor 3 --config cleanup.policy=compact "
                                      "--config retention.ms=1000 --bootstrap-server 127.0.0.1:29092 --timeout-ms 500");
  EXPECT_EQ(o.topic, "orders");
  EXPECT_EQ(o.partitions, 6);
  EXPECT_EQ(o.replication_factor, 3);
  EXPECT_EQ(o.configs, (std::vector<std::string>{"cleanup.policy=compact", "retention.ms=1000"}));
  EXPECT_EQ(o.conn.bootstrap_server, "127.0.0.1:29092");
  EXPECT_EQ(o.conn.timeout_ms, 500);
  EXPECT_FALSE(o.if_not_exists);
}

TEST(TopicsArgs, CreateDefaultsAndKafkaStyleTopicFlag) {
  auto o = parse<TopicsCreateOptions>(define_topics_create, "create --topic t --if-not-exists");
  EXPECT_EQ(o.topic, "t");
  EXPECT_EQ(o.partitions, -1);
  EXPECT_EQ(o.replication_factor, -1);
  EXPECT_EQ(o.conn.bootstrap_server, "localhost:9092");
  EXPECT_EQ(o.conn.timeout_ms, 30000);
  EXPECT_TRUE(o.if_not_exists);
}

TEST(TopicsArgs, RepeatedFlagsTakeOneValueEach) {
  auto o = parse<TopicsCreateOptions>(define_topics_create, "create --config a=1 orders --config b=2");
  EXPECT_EQ(o.topic, "orders");
  EXPECT_EQ(o.configs, (std::vector<std::string>{"a=1", "b=2"}));
  auto p = parse<PerfProduceOptions>(define_perf_produce, "produce --producer-prop a=1 --topic t --num-records 1");
  EXPECT_EQ(p.producer_props, std::vector<std::string>{"a=1"});
  auto d = parse<TopicsDescribeOptions>(define_topics_describe, "describe --topic a b");
  std::sort(d.topics.begin(), d.topics.end());
  EXPECT_EQ(d.topics, (std::vector<std::string>{"a", "b"}));
}

TEST(TopicsArgs, CreateRejectsBadInput) {
  expect_parse_error<TopicsCreateOptions>(define_topics_create, "create");                      // No name.
  expect_parse_error<TopicsCreateOptions>(define_topics_create, "create a --topic b");          // Two names.
  expect_parse_error<TopicsCreateOptions>(define_topics_create, "create a --partitions 0");
  expect_parse_error<TopicsCreateOptions>(define_topics_create, "create a --partitions x");
  expect_parse_error<TopicsCreateOptions>(define_topics_create, "create a --replication-factor 0");
  expect_parse_error<TopicsCreateOptions>(define_topics_create, "create a --config novalue");
  expect_parse_error<TopicsCreateOptions>(define_topics_create, "create a --config =v");
  expect_parse_error<TopicsCreateOptions>(define_topics_create, "create a --timeout-ms 0");
  expect_parse_error<TopicsCreateOptions>(define_topics_create, "create a --bogus");
}

TEST(TopicsArgs, ListDescribeDelete) {
  auto l = parse<TopicsListOptions>(define_topics_list, "list --bootstrap-server h:1 --command-property debug=broker");
  EXPECT_EQ(l.conn.bootstrap_server, "h:1");
  EXPECT_EQ(l.conn.command_props, std::vector<std::string>{"debug=broker"});

  auto d = parse<TopicsDescribeOptions>(define_topics_describe, "describe");
  EXPECT_TRUE(d.topics.empty());
  d = parse<TopicsDescribeOptions>(define_topics_describe, "describe a b --topic c --topic d");
  std::sort(d.topics.begin(), d.topics.end());
  EXPECT_EQ(d.topics, (std::vector<std::string>{"a", "b", "c", "d"}));

  auto x = parse<TopicsDeleteOptions>(define_topics_delete, "delete a --if-exists");
  EXPECT_EQ(x.topics, std::vector<std::string>{"a"});
  EXPECT_TRUE(x.if_exists);
  expect_parse_error<TopicsDeleteOptions>(define_topics_delete, "delete");
}

TEST(PerfArgs, ProduceFlags) {
  auto o = parse<PerfProduceOptions>(
      define_perf_produce,
      "produce --topic t --bootstrap-server 127.0.0.1:29092 --record-size 100 --num-records 1000 --acks 1 "
      "--compression zstd --linger-ms 5 --batch-size 65536 --throughput 500 --producer-prop enable.idempotence=true "
      "--output json");
  EXPECT_EQ(o.topic, "t");
  EXPECT_EQ(o.record_size, 100);
  EXPECT_EQ(o.num_records, 1000);
  EXPECT_LT(o.duration_s, 0);
  EXPECT_EQ(o.acks, "1");
  EXPECT_EQ(o.compression, "zstd");
  EXPECT_EQ(o.linger_ms, 5);
  EXPECT_EQ(o.batch_size, 65536);
  EXPECT_EQ(o.throughput, 500);
  EXPECT_EQ(o.producer_props, std::vector<std::string>{"enable.idempotence=true"});
  EXPECT_EQ(o.output, "json");
  const auto props = producer_properties(o);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"acks", "1"}, {"compression.type", "zstd"}, {"linger.ms", "5"}, {"batch.size", "65536"}};
  EXPECT_EQ(props, expected);
}

TEST(PerfArgs, ProduceDefaultsLeaveClientDefaults) {
  auto o = parse<PerfProduceOptions>(define_perf_produce, "produce --topic t --duration-s 2.5");
  EXPECT_EQ(o.duration_s, 2.5);
  EXPECT_EQ(o.num_records, -1);
  EXPECT_EQ(o.record_size, 1024);
  EXPECT_EQ(o.acks, "all");
  EXPECT_EQ(o.throughput, -1);
  EXPECT_EQ(o.output, "text");
  EXPECT_EQ(o.report_interval_ms, 5000);
  EXPECT_EQ(producer_properties(o).size(), 2u);  // acks and compression.type only.
}

TEST(PerfArgs, ProduceRejectsBadInput) {
  expect_parse_error<PerfProduceOptions>(define_perf_produce, "produce --num-records 5");  // No topic.
  expect_parse_error<PerfProduceOptions>(define_perf_produce, "produce --topic t");       // No limit.
  expect_parse_error<PerfProduceOptions>(define_perf_produce, "produce --topic t --num-records 5 --duration-s 1");
  expect_parse_error<PerfProduceOptions>(define_perf_produce, "produce --topic t --num-records 0");
  expect_parse_error<PerfProduceOptions>(define_perf_produce, "produce --topic t --num-records 5 --acks 2");
  expect_parse_error<PerfProduceOptions>(define_perf_produce, "produce --topic t --num-records 5 --compression brotli");
  expect_parse_error<PerfProduceOptions>(define_perf_produce, "produce --topic t --num-records 5 --record-size 0");
  expect_parse_error<PerfProduceOptions>(define_perf_produce, "produce --topic t --num-records 5 --output yaml");
  expect_parse_error<PerfProduceOptions>(define_perf_produce, "produce --topic t --num-records 5 --producer-prop x");
}

TEST(PerfArgs, ConsumeFlags) {
  auto o = parse<PerfConsumeOptions>(define_perf_consume,
                                     "consume --topic t --bootstrap-server h:2 --num-records 10 --timeout-ms 300 "
                                     "--consumer-prop fetch.max.bytes=1000000 --output json");
  EXPECT_EQ(o.topic, "t");
  EXPECT_EQ(o.bootstrap_server, "h:2");
  EXPECT_EQ(o.num_records, 10);
  EXPECT_EQ(o.timeout_ms, 300);
  EXPECT_EQ(o.consumer_props, std::vector<std::string>{"fetch.max.bytes=1000000"});
  EXPECT_EQ(o.output, "json");
  expect_parse_error<PerfConsumeOptions>(define_perf_consume, "consume --topic t");
  expect_parse_error<PerfConsumeOptions>(define_perf_consume, "consume --num-records 3");
  expect_parse_error<PerfConsumeOptions>(define_perf_consume, "consume --topic t --num-records -1");
}

TEST(DumpLogArgs, PositionalOrCommaSeparatedFiles) {
  auto o = parse<DumpLogOptions>(define_dump_log, "dump-log a.log b.index --print-data-log");
  EXPECT_EQ(o.files, (std::vector<std::string>{"a.log", "b.index"}));
  EXPECT_TRUE(o.print_data_log);
  EXPECT_FALSE(o.deep_iteration);
  o = parse<DumpLogOptions>(define_dump_log, "dump-log --files a.log,b.timeindex --deep-iteration --skip-record-metadata");
  EXPECT_EQ(o.files, (std::vector<std::string>{"a.log", "b.timeindex"}));
  EXPECT_TRUE(o.deep_iteration);
  EXPECT_TRUE(o.skip_record_metadata);
  o = parse<DumpLogOptions>(define_dump_log, "dump-log a.log --files b.log,c.log");
  EXPECT_EQ(o.files, (std::vector<std::string>{"a.log", "b.log", "c.log"}));
  expect_parse_error<DumpLogOptions>(define_dump_log, "dump-log");
}

TEST(RegisterCommands, AddsEverySubcommand) {
  CLI::App app("gregor");
  register_commands(app);
  auto* topics = app.get_subcommand("topics");
  for (const char* name : {"create", "list", "describe", "delete"}) EXPECT_NE(topics->get_subcommand(name), nullptr);
  auto* perf = app.get_subcommand("perf");
  for (const char* name : {"produce", "consume"}) EXPECT_NE(perf->get_subcommand(name), nullptr);
  EXPECT_NE(app.get_subcommand("dump-log"), nullptr);
  EXPECT_THROW(app.parse("topics"), CLI::RequiredError);
}

TEST(RegisterCommands, FailureBecomesRuntimeErrorWithExitCode1) {
  CLI::App app("gregor");
  register_commands(app);
  try {
    app.parse("dump-log /nonexistent/00000000000000000000.log");
    FAIL() << "expected CLI::RuntimeError";
  } catch (const CLI::RuntimeError& e) {
    EXPECT_EQ(e.get_exit_code(), 1);
    EXPECT_EQ(app.exit(e), 1);
  }
}

TEST(RegisterCommands, UnreachableBrokerFailsWithinTheTimeout) {
  CLI::App app("gregor");
  register_commands(app);
  // Port 1 on loopback refuses connections; the command must give up after --timeout-ms.
  try {
    app.parse("topics list --bootstrap-server 127.0.0.1:1 --timeout-ms 300");
    FAIL() << "expected CLI::RuntimeError";
  } catch (const CLI::RuntimeError& e) {
    EXPECT_EQ(e.get_exit_code(), 1);
  }
}

}  // namespace
}  // namespace gregor::cli
