#include "cli/command_flags.h"

#include <cctype>
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
  app->add_option("--command-config", conn.command_config, "File of client properties (key=value lines)")
      ->check(CLI::ExistingFile);
}

Status check_plaintext_only(const ConnectionOptions& conn) {
  auto props = user_properties(conn.command_config, conn.command_props);
  if (!props) return props.error();
  for (const auto& [k, v] : *props) {
    std::string upper;
    for (char c : v) upper += char(std::toupper(static_cast<unsigned char>(c)));
    if (k == "security.protocol" && upper != "PLAINTEXT")
      return make_error(-1, "security.protocol=" + v + " is not supported by this command (it speaks PLAINTEXT only)");
  }
  return Status::OK();
}

void add_output_flag(CLI::App* app, std::string& output) {
  app->add_option("--output", output, "text (a table), or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

Result<ClientHandle> connect_client(const ConnectionOptions& conn, rd_kafka_type_t type,
                                    const std::vector<KeyValue>& defaults) {
  auto user = user_properties(conn.command_config, conn.command_props);
  if (!user) return user.error();
  std::vector<KeyValue> props = defaults;
  props.insert(props.end(), user->begin(), user->end());
  return make_client(type, conn.bootstrap_server, props);
}

}  // namespace gregor::cli
