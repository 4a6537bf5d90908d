#include "cli/cli.h"

#include <memory>

#include "cli/dump_log.h"
#include "cli/perf_consume.h"
#include "cli/perf_produce.h"
#include "cli/topics_command.h"

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
  add_command<TopicsDeleteOptions>(*topics, define_topics_delete, run_topics_delete);

  CLI::App* perf = app.add_subcommand("perf", "Producer and consumer performance tests");
  perf->require_subcommand(1);
  add_command<PerfProduceOptions>(*perf, define_perf_produce, run_perf_produce);
  add_command<PerfConsumeOptions>(*perf, define_perf_consume, run_perf_consume);

  add_command<DumpLogOptions>(app, define_dump_log, [](const DumpLogOptions& o) { return run_dump_log(o); });
}

}  // namespace gregor::cli
