// Argument parsing of the operator subcommands (topics alter, groups, configs, produce,
// consume): define_* binds flags without running anything.
#include <gtest/gtest.h>

#include <algorithm>

#include "cli/args_test_util.h"
#include "cli/cli.h"
#include "cli/configs_command.h"
#include "cli/console_consumer.h"
#include "cli/console_producer.h"
#include "cli/groups_command.h"
#include "cli/groups_reset_command.h"
#include "cli/topics_command.h"
#include "cli/transactions_command.h"
#include "cli/perf_produce.h"

namespace gregor::cli {
namespace {

using args_test::expect_parse_error;
using args_test::parse;

TEST(TopicsAlterArgs, PartitionsAndConfigs) {
  auto o = parse<TopicsAlterOptions>(define_topics_alter,
                                     "alter orders --partitions 6 --config retention.ms=1000 --config a=b "
                                     "--delete-config cleanup.policy --bootstrap-server h:1");
  EXPECT_EQ(o.topic, "orders");
  EXPECT_EQ(o.partitions, 6);
  EXPECT_EQ(o.configs, (std::vector<std::string>{"retention.ms=1000", "a=b"}));
  EXPECT_EQ(o.delete_configs, std::vector<std::string>{"cleanup.policy"});
  auto p = parse<TopicsAlterOptions>(define_topics_alter, "alter --topic t --delete-config x");
  EXPECT_EQ(p.topic, "t");
  EXPECT_EQ(p.partitions, -1);
  expect_parse_error<TopicsAlterOptions>(define_topics_alter, "alter t");  // Nothing to change.
  expect_parse_error<TopicsAlterOptions>(define_topics_alter, "alter --partitions 2");
  expect_parse_error<TopicsAlterOptions>(define_topics_alter, "alter t --partitions 0");
  expect_parse_error<TopicsAlterOptions>(define_topics_alter, "alter t --config novalue");
}

TEST(TopicsArgs, OutputJson) {
  auto d = parse<TopicsDescribeOptions>(define_topics_describe, "describe a --output json");
  EXPECT_EQ(d.output, "json");
  auto l = parse<TopicsListOptions>(define_topics_list, "list");
  EXPECT_EQ(l.output, "text");
  expect_parse_error<TopicsListOptions>(define_topics_list, "list --output xml");
}

TEST(ConfigsArgs, DescribeAndAlter) {
  auto d = parse<ConfigsDescribeOptions>(define_configs_describe,
                                         "describe --entity-type brokers --entity-name 1 --all --output json");
  EXPECT_EQ(parse_entity_type(d.entity_type), ConfigEntityType::kBroker);
  EXPECT_EQ(d.entity_name, "1");
  EXPECT_TRUE(d.all);
  EXPECT_EQ(d.output, "json");
  auto all = parse<ConfigsDescribeOptions>(define_configs_describe, "describe --entity-type topics");
  EXPECT_TRUE(all.entity_name.empty());
  expect_parse_error<ConfigsDescribeOptions>(define_configs_describe, "describe --entity-type users");
  expect_parse_error<ConfigsDescribeOptions>(define_configs_describe, "describe");

  auto a = parse<ConfigsAlterOptions>(define_configs_alter,
                                      "alter --entity-type topics --entity-name t --add-config a=1,b=[x,y] "
                                      "--delete-config c,d --add-config e=2");
  EXPECT_EQ(a.add_configs, (std::vector<std::string>{"a=1,b=[x,y]", "e=2"}));
  auto changes = parse_config_changes(a.add_configs, a.delete_configs);
  ASSERT_TRUE(changes);
  EXPECT_EQ(changes->set, (std::vector<KeyValue>{{"a", "1"}, {"b", "x,y"}, {"e", "2"}}));
  EXPECT_EQ(changes->remove, (std::vector<std::string>{"c", "d"}));
  expect_parse_error<ConfigsAlterOptions>(define_configs_alter, "alter --entity-type topics --entity-name t");
  expect_parse_error<ConfigsAlterOptions>(define_configs_alter, "alter --entity-type topics --add-config a=1");
}

TEST(GroupsArgs, ListDescribeDelete) {
  auto l = parse<GroupsListOptions>(define_groups_list, "list");
  EXPECT_FALSE(l.show_state);
  l = parse<GroupsListOptions>(define_groups_list, "list --state");
  EXPECT_TRUE(l.show_state);
  EXPECT_TRUE(l.states.empty());
  l = parse<GroupsListOptions>(define_groups_list, "list --state Stable,empty --output json");
  EXPECT_EQ(l.states, (std::vector<std::string>{"Stable", "empty"}));
  EXPECT_EQ(l.output, "json");

  auto d = parse<GroupsDescribeOptions>(define_groups_describe, "describe g1 --group g2 --members");
  std::sort(d.groups.begin(), d.groups.end());
  EXPECT_EQ(d.groups, (std::vector<std::string>{"g1", "g2"}));
  EXPECT_TRUE(d.members);
  expect_parse_error<GroupsDescribeOptions>(define_groups_describe, "describe");

  auto x = parse<GroupsDeleteOptions>(define_groups_delete, "delete --group a --group b");
  EXPECT_EQ(x.groups, (std::vector<std::string>{"a", "b"}));
  expect_parse_error<GroupsDeleteOptions>(define_groups_delete, "delete");
}

TEST(GroupsResetArgs, EachModeMapsToItsSpec) {
  auto o = parse<GroupsResetOptions>(define_groups_reset, "reset-offsets --group g --topic t:0,1 --to-earliest");
  EXPECT_EQ(o.group, "g");
  EXPECT_EQ(o.topics, std::vector<std::string>{"t:0,1"});
  EXPECT_FALSE(o.execute);
  EXPECT_EQ(reset_spec_of(o)->mode, ResetMode::kEarliest);
  o = parse<GroupsResetOptions>(define_groups_reset, "reset-offsets --group g --all-topics --to-latest --execute");
  EXPECT_TRUE(o.all_topics);
  EXPECT_TRUE(o.execute);
  EXPECT_EQ(reset_spec_of(o)->mode, ResetMode::kLatest);
  o = parse<GroupsResetOptions>(define_groups_reset, "reset-offsets --group g --topic t --to-offset 42 --dry-run");
  EXPECT_EQ(reset_spec_of(o)->mode, ResetMode::kToOffset);
  EXPECT_EQ(reset_spec_of(o)->value, 42);
  o = parse<GroupsResetOptions>(define_groups_reset, "reset-offsets --group g --topic t --shift-by -5");
  EXPECT_EQ(reset_spec_of(o)->mode, ResetMode::kShiftBy);
  EXPECT_EQ(reset_spec_of(o)->value, -5);
  o = parse<GroupsResetOptions>(define_groups_reset,
                                "reset-offsets --group g --topic t --to-datetime 2024-01-02T03:04:05.678Z");
  EXPECT_EQ(reset_spec_of(o)->mode, ResetMode::kToDatetime);
  EXPECT_EQ(reset_spec_of(o)->value, 1704164645678);
  o = parse<GroupsResetOptions>(define_groups_reset, "reset-offsets --group g --topic t --to-datetime yesterday");
  EXPECT_FALSE(reset_spec_of(o));
  o = parse<GroupsResetOptions>(define_groups_reset, "reset-offsets --group g --topic a --topic b --to-current");
  EXPECT_EQ(o.topics, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(reset_spec_of(o)->mode, ResetMode::kCurrent);
}

TEST(GroupsResetArgs, RejectsAmbiguousOrMissingChoices) {
  auto bad = [](const std::string& args) { expect_parse_error<GroupsResetOptions>(define_groups_reset, args); };
  bad("reset-offsets --topic t --to-earliest");                         // No group.
  bad("reset-offsets --group g --to-earliest");                         // No scope.
  bad("reset-offsets --group g --topic t --all-topics --to-earliest");  // Two scopes.
  bad("reset-offsets --group g --topic t");                             // No mode.
  bad("reset-offsets --group g --topic t --to-earliest --to-latest");   // Two modes.
  bad("reset-offsets --group g --topic t --to-earliest --dry-run --execute");
  bad("reset-offsets --group g --topic t --to-offset x");
}

TEST(ConsoleProducerArgs, ReaderPropertiesAndHeaders) {
  auto o = parse<ConsoleProducerOptions>(define_console_producer,
                                         "produce --topic t --property parse.key=true --property key.separator=: "
                                         "--header a=1 --header b=2 --partition 3 --acks 1");
  EXPECT_EQ(o.topic, "t");
  EXPECT_EQ(o.reader_props, (std::vector<std::string>{"parse.key=true", "key.separator=:"}));
  EXPECT_EQ(o.headers, (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_EQ(o.partition, 3);
  EXPECT_EQ(o.acks, "1");
  auto p = parse<ConsoleProducerOptions>(define_console_producer,
                                         "produce --topic t --reader-property parse.key=true key.separator=|");
  EXPECT_EQ(p.reader_props, (std::vector<std::string>{"parse.key=true", "key.separator=|"}));
  EXPECT_EQ(p.acks, "all");
  EXPECT_EQ(p.partition, -1);
  expect_parse_error<ConsoleProducerOptions>(define_console_producer, "produce");
  expect_parse_error<ConsoleProducerOptions>(define_console_producer, "produce --topic t --acks 2");
  expect_parse_error<ConsoleProducerOptions>(define_console_producer, "produce --topic t --header nokv");
}

TEST(ConsoleConsumerArgs, KafkaConsoleConsumerFlags) {
  auto o = parse<ConsoleConsumerOptions>(define_console_consumer,
                                         "consume --topic t --group g --from-beginning --max-messages 10 "
                                         "--property print.key=true print.offset=true --timeout-ms 5000 "
                                         "--bootstrap-server h:2");
  EXPECT_EQ(o.topic, "t");
  EXPECT_EQ(o.group, "g");
  EXPECT_TRUE(o.from_beginning);
  EXPECT_EQ(o.max_messages, 10);
  EXPECT_EQ(o.formatter_props, (std::vector<std::string>{"print.key=true", "print.offset=true"}));
  EXPECT_EQ(o.timeout_ms, 5000);
  EXPECT_EQ(o.bootstrap_server, "h:2");
  auto p = parse<ConsoleConsumerOptions>(define_console_consumer, "consume --topic t --partition 2 --offset 7");
  EXPECT_EQ(p.partition, 2);
  EXPECT_EQ(p.offset, "7");
  EXPECT_EQ(p.max_messages, -1);
  EXPECT_EQ(p.timeout_ms, -1);
  expect_parse_error<ConsoleConsumerOptions>(define_console_consumer, "consume");
  expect_parse_error<ConsoleConsumerOptions>(define_console_consumer,
                                             "consume --topic t --offset 5");  // Needs --partition.
  expect_parse_error<ConsoleConsumerOptions>(define_console_consumer, "consume --topic t --max-messages 0");
  expect_parse_error<ConsoleConsumerOptions>(define_console_consumer, "consume --topic t --isolation-level x");
}

TEST(ConsoleConsumerArgs, StartOffsets) {
  EXPECT_EQ(start_offset_of("", false).value(), RD_KAFKA_OFFSET_END);
  EXPECT_EQ(start_offset_of("", true).value(), RD_KAFKA_OFFSET_BEGINNING);
  EXPECT_EQ(start_offset_of("earliest", false).value(), RD_KAFKA_OFFSET_BEGINNING);
  EXPECT_EQ(start_offset_of("latest", true).value(), RD_KAFKA_OFFSET_END);
  EXPECT_EQ(start_offset_of("12", false).value(), 12);
  EXPECT_FALSE(start_offset_of("-1", false));
  EXPECT_FALSE(start_offset_of("12x", false));
}

TEST(RegisterCommands, AddsTheOperatorSubcommands) {
  CLI::App app("gregor");
  register_commands(app);
  EXPECT_NE(app.get_subcommand("topics")->get_subcommand("alter"), nullptr);
  auto* groups = app.get_subcommand("groups");
  for (const char* name : {"list", "describe", "delete", "reset-offsets"})
    EXPECT_NE(groups->get_subcommand(name), nullptr);
  auto* configs = app.get_subcommand("configs");
  for (const char* name : {"describe", "alter"}) EXPECT_NE(configs->get_subcommand(name), nullptr);
  EXPECT_NE(app.get_subcommand("produce"), nullptr);
  EXPECT_NE(app.get_subcommand("consume"), nullptr);
  EXPECT_THROW(app.parse("groups"), CLI::RequiredError);
}

TEST(RegisterCommands, GroupCommandsFailWithinTheTimeoutWithoutABroker) {
  CLI::App app("gregor");
  register_commands(app);
  try {
    app.parse("groups list --bootstrap-server 127.0.0.1:1 --timeout-ms 300");
    FAIL() << "expected CLI::RuntimeError";
  } catch (const CLI::RuntimeError& e) {
    EXPECT_EQ(e.get_exit_code(), 1);
  }
}

TEST(TransactionsArgs, ListDescribeAndProducers) {
  auto l = parse<TransactionsListOptions>(define_transactions_list, "list --state Ongoing,PrepareCommit --output json");
  EXPECT_EQ(l.states, (std::vector<std::string>{"Ongoing", "PrepareCommit"}));
  EXPECT_EQ(l.output, "json");
  auto d = parse<TransactionsDescribeOptions>(define_transactions_describe,
                                              "describe --transactional-id t1 --bootstrap-server h:1");
  EXPECT_EQ(d.transactional_id, "t1");
  EXPECT_EQ(d.conn.bootstrap_server, "h:1");
  expect_parse_error<TransactionsDescribeOptions>(define_transactions_describe, "describe");
  auto p = parse<ProducersDescribeOptions>(define_producers_describe, "describe orders --partition 2");
  EXPECT_EQ(p.topic, "orders");
  EXPECT_EQ(p.partition, 2);
  auto q = parse<ProducersDescribeOptions>(define_transactions_describe_producers, "describe-producers --topic orders");
  EXPECT_EQ(q.topic, "orders");
  EXPECT_FALSE(q.partition);
  expect_parse_error<ProducersDescribeOptions>(define_transactions_describe_producers, "describe-producers");
}

TEST(PerfProduceArgs, TransactionsOfNRecords) {
  auto o = parse<PerfProduceOptions>(define_perf_produce,
                                     "produce --topic t --num-records 10 --transactional-id x --transaction-size 5");
  EXPECT_EQ(o.transactional_id, "x");
  EXPECT_EQ(o.transaction_size, 5);
  auto props = producer_properties(o);
  EXPECT_NE(std::find(props.begin(), props.end(), std::make_pair(std::string("transactional.id"), std::string("x"))),
            props.end());
  expect_parse_error<PerfProduceOptions>(define_perf_produce, "produce --topic t --num-records 1 --transaction-size 0");
}

}  // namespace
}  // namespace gregor::cli
