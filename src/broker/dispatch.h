// The dispatch table: which Kafka APIs this node serves, at which versions, and the handler
// of each. dispatch() decodes the request header, answers unknown APIs and versions the way
// Kafka does (an ApiVersions request of an unsupported version gets UNSUPPORTED_VERSION with
// the v0 body; any other unsupported or undecodable request closes the connection with one
// log line), and runs the handler.
// Thread-safety: runs on the connection's shard.
#pragma once

#include <asio/awaitable.hpp>

#include <cstdint>
#include <span>

#include "broker/request_context.h"
#include "net/connection.h"

namespace gregor::broker {

class Broker;

using HandlerFn = asio::awaitable<net::HandlerResult> (*)(RequestContext& ctx);

struct ServedApi {
  int16_t key;
  int16_t min_version;       // lowest version served
  int16_t max_version;
  int16_t advertised_min;    // what ApiVersions says (Produce: 0, as Kafka 4 does for librdkafka)
  HandlerFn handler;
};

std::span<const ServedApi> served_apis();
const ServedApi* find_served(int16_t key);

asio::awaitable<net::HandlerResult> dispatch(Broker& broker, SharedSlice frame, const net::ConnectionInfo& info);

}  // namespace gregor::broker
