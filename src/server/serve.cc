#include "server/serve.h"

#include <fmt/ranges.h>

#include <thread>

#include "base/log.h"
#include "server/node.h"
#include "server/node_config.h"
#include "server/properties.h"

namespace gregor::server {

namespace {

struct ServeArgs {
  std::string config_file;
  std::vector<std::string> sets;
  int smp = 0;
  std::string log_level = "info";
};

int g_exit_code = 0;

int run_serve(const ServeArgs& args) {
  log::init(args.log_level);
  metadata::ConfigMap raw;
  if (!args.config_file.empty()) {
    auto file = read_properties_file(args.config_file);
    if (!file.ok()) {
      GLOG_ERROR("{}", file.error().message);
      return 2;
    }
    raw = *file;
  }
  for (const auto& s : args.sets) {
    auto kv = parse_override(s);
    if (!kv.ok()) {
      GLOG_ERROR("{}", kv.error().message);
      return 2;
    }
    raw[kv->first] = kv->second;
  }
  auto config = metadata::BrokerConfig::create(raw);
  if (!config.ok()) {
    GLOG_ERROR("{}", config.error().message);
    return 2;
  }
  if (!config->ignored_keys().empty())
    GLOG_WARN("these Kafka configuration keys are accepted but not applied by this version of Gregor: {}",
              fmt::join(config->ignored_keys(), ", "));
  auto node = derive_node_config(*config);
  if (!node.ok()) {
    GLOG_ERROR("{}", node.error().message);
    return 2;
  }
  size_t shards = args.smp > 0 ? size_t(args.smp) : std::max(1u, std::thread::hardware_concurrency());
  return run_node(*node, *config, shards);
}

}  // namespace

void register_serve_command(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "Run a Gregor node (broker and/or controller)");
  cmd->add_option("--config", args->config_file, "server.properties file (Kafka syntax and keys)");
  cmd->add_option("--set", args->sets, "Override a config key: --set key=value (repeatable)");
  cmd->add_option("--smp", args->smp, "Number of shards (event-loop threads); default: all cores");
  cmd->add_option("--log-level", args->log_level, "trace, debug, info, warn or error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  cmd->callback([args] { g_exit_code = run_serve(*args); });
}

int exit_code() { return g_exit_code; }

}  // namespace gregor::server
