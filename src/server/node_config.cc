#include "server/node_config.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <fmt/format.h>

namespace gregor::server {

namespace {
bool parse_port(std::string_view s, uint16_t& out) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > 65535) return false;
  out = uint16_t(v);
  return true;
}
}  // namespace

Result<std::vector<ListenerSpec>> parse_listeners(const std::string& value, const std::string& key) {
  std::vector<ListenerSpec> out;
  for (const auto& item : metadata::parse_list(value)) {
    auto bad = [&] { return make_error(40, fmt::format("Invalid value {} for configuration {}: expected NAME://host:port", item, key)); };
    size_t sep = item.find("://");
    if (sep == std::string::npos || sep == 0) return bad();
    ListenerSpec l;
    l.name = item.substr(0, sep);
    std::string hostport = item.substr(sep + 3);
    size_t colon = hostport.rfind(':');
    if (colon == std::string::npos) return bad();
    l.host = hostport.substr(0, colon);
    if (l.host.size() >= 2 && l.host.front() == '[' && l.host.back() == ']') l.host = l.host.substr(1, l.host.size() - 2);
    if (!parse_port(std::string_view(hostport).substr(colon + 1), l.port)) return bad();
    for (const auto& other : out)
      if (other.name == l.name) return make_error(40, fmt::format("{}: listener name {} appears twice", key, l.name));
    out.push_back(l);
  }
  return out;
}

Result<std::vector<VoterSpec>> parse_voters(const std::string& value) {
  std::vector<VoterSpec> out;
  for (const auto& item : metadata::parse_list(value)) {
    auto bad = [&] {
      return make_error(40, fmt::format("Invalid value {} for configuration controller.quorum.voters: expected id@host:port", item));
    };
    size_t at = item.find('@');
    size_t colon = item.rfind(':');
    if (at == std::string::npos || colon == std::string::npos || colon < at) return bad();
    VoterSpec v;
    auto id_str = std::string_view(item).substr(0, at);
    auto [p, ec] = std::from_chars(id_str.data(), id_str.data() + id_str.size(), v.id);
    if (ec != std::errc() || p != id_str.data() + id_str.size() || v.id < 0) return bad();
    v.host = item.substr(at + 1, colon - at - 1);
    if (!parse_port(std::string_view(item).substr(colon + 1), v.port)) return bad();
    out.push_back(v);
  }
  return out;
}

Result<NodeConfig> derive_node_config(const metadata::BrokerConfig& config) {
  NodeConfig n;
  n.node_id = int32_t(config.get_long("node.id"));
  if (n.node_id < 0) n.node_id = int32_t(config.get_long("broker.id"));
  if (n.node_id < 0) return make_error(40, "Missing required configuration node.id");
  auto roles = metadata::parse_list(config.get("process.roles"));
  if (roles.empty()) return make_error(40, "Missing required configuration process.roles (broker, controller, or both)");
  n.broker = std::find(roles.begin(), roles.end(), "broker") != roles.end();
  n.controller = std::find(roles.begin(), roles.end(), "controller") != roles.end();

  auto listeners = parse_listeners(config.get("listeners"), "listeners");
  if (!listeners.ok()) return listeners.error();
  n.listeners = *listeners;

  n.controller_listener_names = metadata::parse_list(config.get("controller.listener.names"));
  if (n.controller_listener_names.empty()) {
    // Gregor's convenience: a listener literally named CONTROLLER is the controller listener.
    for (const auto& l : n.listeners)
      if (l.name == "CONTROLLER") n.controller_listener_names.push_back("CONTROLLER");
  }
  auto is_controller_listener = [&](const std::string& name) {
    return std::find(n.controller_listener_names.begin(), n.controller_listener_names.end(), name) !=
           n.controller_listener_names.end();
  };
  if (n.controller) {
    if (n.controller_listener_names.empty())
      return make_error(40, "controller.listener.names must name a listener when process.roles contains controller");
    bool found = false;
    for (const auto& l : n.listeners) found |= is_controller_listener(l.name);
    if (!found)
      return make_error(40, fmt::format("listeners must contain the controller listener {} (controller.listener.names)",
                                        n.controller_listener_names.front()));
  }
  if (n.broker) {
    bool any = false;
    for (const auto& l : n.listeners) any |= !is_controller_listener(l.name);
    if (!any) return make_error(40, "listeners must contain a broker listener when process.roles contains broker");
  }

  // Until TLS and SASL exist, a listener that would speak them is refused rather than served in
  // clear text without authentication.
  std::map<std::string, std::string> protocols;
  for (const auto& entry : metadata::parse_list(config.get("listener.security.protocol.map"))) {
    size_t colon = entry.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == entry.size())
      return make_error(40, fmt::format("Invalid value {} for configuration listener.security.protocol.map: expected "
                                        "LISTENER_NAME:SECURITY_PROTOCOL",
                                        entry));
    protocols[entry.substr(0, colon)] = entry.substr(colon + 1);
  }
  auto check_protocol = [&](const ListenerSpec& l, const char* key) -> Status {
    auto it = protocols.find(l.name);
    std::string protocol = it != protocols.end() ? it->second : "";
    if (protocol.empty()) {
      if (is_controller_listener(l.name)) return Status::OK();  // Kafka: a controller listener defaults to PLAINTEXT
      return make_error(40, fmt::format("{}: no security protocol is defined for listener {} in "
                                        "listener.security.protocol.map",
                                        key, l.name));
    }
    if (protocol == "PLAINTEXT") return Status::OK();
    if (protocol == "SSL" || protocol == "SASL_PLAINTEXT" || protocol == "SASL_SSL")
      return make_error(40, fmt::format("{}: listener {} uses security protocol {}, which this version of Gregor does "
                                        "not serve yet (no TLS or SASL); it would be answered in clear text without "
                                        "authentication, so it is refused. Use a PLAINTEXT listener",
                                        key, l.name, protocol));
    return make_error(40, fmt::format("listener.security.protocol.map: unknown security protocol {} for listener {}",
                                      protocol, l.name));
  };
  for (const auto& l : n.listeners)
    if (auto st = check_protocol(l, "listeners"); !st.ok()) return st.error();
  if (auto p = config.get("security.inter.broker.protocol"); p != "PLAINTEXT")
    return make_error(40, fmt::format("security.inter.broker.protocol={} is not served by this version of Gregor (no "
                                      "TLS or SASL yet); use PLAINTEXT",
                                      p));

  auto advertised_value = config.resolve("advertised.listeners").value;
  if (advertised_value && !advertised_value->empty()) {
    auto adv = parse_listeners(*advertised_value, "advertised.listeners");
    if (!adv.ok()) return adv.error();
    n.advertised = *adv;
  } else {
    for (const auto& l : n.listeners)
      if (!is_controller_listener(l.name)) n.advertised.push_back(l);
  }
  for (const auto& l : n.advertised)
    if (auto st = check_protocol(l, "advertised.listeners"); !st.ok()) return st.error();
  for (auto& a : n.advertised)
    if (a.host.empty() || a.host == "0.0.0.0") a.host = "localhost";

  auto voters = parse_voters(config.get("controller.quorum.voters"));
  if (!voters.ok()) return voters.error();
  n.voters = *voters;
  if (n.controller && !n.voters.empty()) {
    bool self = false;
    for (const auto& v : n.voters) self |= v.id == n.node_id;
    if (!self)
      return make_error(40, fmt::format("node.id {} is a controller but is not among controller.quorum.voters", n.node_id));
  }

  auto dirs = config.resolve("log.dirs").value;
  auto dir_list = metadata::parse_list(dirs && !dirs->empty() ? *dirs : config.get("log.dir"));
  if (dir_list.empty()) return make_error(40, "log.dirs must name at least one directory");
  for (const auto& d : dir_list) n.log_dirs.emplace_back(d);
  auto meta_dir = config.resolve("metadata.log.dir").value;
  n.metadata_dir = meta_dir && !meta_dir->empty() ? std::filesystem::path(*meta_dir) : n.log_dirs.front();
  return n;
}

}  // namespace gregor::server
