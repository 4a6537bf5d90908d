#include "cli/cli.h"

#include <iostream>
#include <memory>

#include "cli/cluster_command.h"
#include "cli/configs_command.h"
#include "cli/console_consumer.h"
#include "cli/console_producer.h"
#include "cli/dev_cluster.h"
#include "cli/dump_log.h"
#include "cli/groups_command.h"
#include "cli/groups_reset_command.h"
#include "cli/perf_consume.h"
#include "cli/perf_produce.h"
#include "cli/topics_command.h"
#include "cli/transactions_command.h"

namespace gregor::cli {
namespace {

// Adds a callback to sub that runs run(*opts) and reports a non-zero result as an exit code.
// The callback owns opts, so the flags bound to it stay valid as long as the app lives.
template <class Options, class Run>
void on_run(CLI::App* sub, std::shared_ptr<Options> opts, Run run) {
  sub->callback([opts = std::move(opts), run] {
    if (int rc = run(*opts); rc != 0) throw CLI::RuntimeError(rc);
  });
}

template <class Options, class Define, class Run>
void add_command(CLI::App& parent, Define define, Run run) {
  auto opts = std::make_shared<Options>();
  CLI::App* sub = define(parent, *opts);
  on_run(sub, std::move(opts), run);
}

}  // namespace

void register_commands(CLI::App& app) {
  CLI::App* topics = app.add_subcommand("topics", "Create, list, describe and delete topics");
  topics->require_subcommand(1);
  add_command<TopicsCreateOptions>(*topics, define_topics_create, run_topics_create);
  add_command<TopicsListOptions>(*topics, define_topics_list, run_topics_list);
  add_command<TopicsDescribeOptions>(*topics, define_topics_describe, run_topics_describe);
  add_command<TopicsAlterOptions>(*topics, define_topics_alter, run_topics_alter);
  add_command<TopicsDeleteOptions>(*topics, define_topics_delete, run_topics_delete);

  CLI::App* groups = app.add_subcommand("groups", "List, describe, delete consumer groups and reset their offsets");
  groups->require_subcommand(1);
  add_command<GroupsListOptions>(*groups, define_groups_list, run_groups_list);
  add_command<GroupsDescribeOptions>(*groups, define_groups_describe, run_groups_describe);
  add_command<GroupsDeleteOptions>(*groups, define_groups_delete, run_groups_delete);
  add_command<GroupsResetOptions>(*groups, define_groups_reset, run_groups_reset);

  CLI::App* configs = app.add_subcommand("configs", "Describe and alter topic and broker configs");
  configs->require_subcommand(1);
  add_command<ConfigsDescribeOptions>(*configs, define_configs_describe, run_configs_describe);
  add_command<ConfigsAlterOptions>(*configs, define_configs_alter, run_configs_alter);

  add_command<ConsoleProducerOptions>(app, define_console_producer,
                                      [](const ConsoleProducerOptions& o) { return run_console_producer(o, std::cin); });
  add_command<ConsoleConsumerOptions>(app, define_console_consumer, run_console_consumer);

  CLI::App* perf = app.add_subcommand("perf", "Producer and consumer performance tests");
  perf->require_subcommand(1);
  add_command<PerfProduceOptions>(*perf, define_perf_produce, run_perf_produce);
  add_command<PerfConsumeOptions>(*perf, define_perf_consume, run_perf_consume);

  add_command<DumpLogOptions>(app, define_dump_log, [](const DumpLogOptions& o) { return run_dump_log(o); });
  add_command<DevClusterOptions>(app, define_dev_cluster, run_dev_cluster);

  CLI::App* cluster = app.add_subcommand("cluster", "Describe the cluster: brokers, controller quorum, partition health");
  cluster->require_subcommand(1);
  add_command<ClusterDescribeOptions>(*cluster, define_cluster_describe, run_cluster_describe);

  CLI::App* txns = app.add_subcommand("transactions", "List and describe transactions and the producers of partitions");
  txns->require_subcommand(1);
  add_command<TransactionsListOptions>(*txns, define_transactions_list, run_transactions_list);
  add_command<TransactionsDescribeOptions>(*txns, define_transactions_describe, run_transactions_describe);
  add_command<ProducersDescribeOptions>(*txns, define_transactions_describe_producers, run_producers_describe);
  CLI::App* producers = app.add_subcommand("producers", "Describe the active producers of a topic's partitions");
  producers->require_subcommand(1);
  add_command<ProducersDescribeOptions>(*producers, define_producers_describe, run_producers_describe);
}

}  // namespace gregor::cli
