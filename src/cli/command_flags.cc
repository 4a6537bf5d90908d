#include "cli/command_flags.h"

#include <climits>

namespace gregor::cli {

void add_connection_flags(CLI::App* app, ConnectionOptions& conn) {
  app->add_option("--bootstrap-server", conn.bootstrap_server, "host:port of a broker")->capture_default_str();
  app->add_option("--timeout-ms", conn.timeout_ms, "Bound on the whole command, in ms")
      ->check(CLI::Range(1, INT_MAX))
      ->capture_default_str();
  app->add_option("--command-property", conn.command_props, "librdkafka client property k=v (repeatable)")
      ->allow_extra_args(false)
      ->check(check_key_value);
}

void add_output_flag(CLI::App* app, std::string& output) {
  app->add_option("--output", output, "text (a table), or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

Result<ClientHandle> connect_client(const ConnectionOptions& conn, rd_kafka_type_t type,
                                    const std::vector<KeyValue>& defaults) {
  auto user = parse_key_values(conn.command_props);
  if (!user) return user.error();
  std::vector<KeyValue> props = defaults;
  props.insert(props.end(), user->begin(), user->end());
  return make_client(type, conn.bootstrap_server, props);
}

}  // namespace gregor::cli
