// NodeConfig: what `gregor serve` needs to start, derived from the validated BrokerConfig:
// node id, roles, listeners (name, host, port), the controller quorum voters and the log
// directories. Checks the cross-key rules Kafka checks at start (node.id set, roles present,
// controller listener named in controller.listener.names and present in listeners, this node
// among the voters when it is a controller), each failure naming the keys involved.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"
#include "metadata/broker_config.h"

namespace gregor::server {

struct ListenerSpec {
  std::string name;  // listener name, e.g. PLAINTEXT
  std::string host;  // "" = all interfaces
  uint16_t port = 0;
};

struct VoterSpec {
  int32_t id = -1;
  std::string host;
  uint16_t port = 0;
};

struct NodeConfig {
  int32_t node_id = -1;
  bool broker = false;
  bool controller = false;
  std::vector<ListenerSpec> listeners;
  std::vector<ListenerSpec> advertised;        // broker listeners as clients should reach them
  std::vector<std::string> controller_listener_names;
  std::vector<VoterSpec> voters;
  std::vector<std::filesystem::path> log_dirs;
  std::filesystem::path metadata_dir;
};

Result<std::vector<ListenerSpec>> parse_listeners(const std::string& value, const std::string& key);
Result<std::vector<VoterSpec>> parse_voters(const std::string& value);
Result<NodeConfig> derive_node_config(const metadata::BrokerConfig& config);

}  // namespace gregor::server
