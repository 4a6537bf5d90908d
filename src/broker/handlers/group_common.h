// Small helpers shared by the group API handlers.
#pragma once

#include <string>

#include "model/error_code.h"
#include "net/connection.h"

namespace gregor::broker::handlers {

using model::ErrorCode;

// Kafka's client host for a member: "/" + the peer address (Java's InetAddress.toString()).
inline std::string client_host(const net::ConnectionInfo& conn) {
  auto colon = conn.peer.rfind(':');
  std::string ip = colon == std::string::npos ? conn.peer : conn.peer.substr(0, colon);
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  return "/" + ip;
}

}  // namespace gregor::broker::handlers
