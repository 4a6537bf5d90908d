// The dispatch table: which Kafka APIs this node serves, at which versions, and the handler
// of each. dispatch() decodes the request header, answers unknown APIs and versions the way
// Kafka does (an ApiVersions request of an unsupported version gets UNSUPPORTED_VERSION with
// the v0 body; any other unsupported or undecodable request closes the connection with one
// log line), and runs the handler. Each API is served only on the listeners Kafka serves it on
// (the schema's listeners=): controller-only APIs (Vote, BrokerHeartbeat, AlterPartition, ...)
// on a controller listener, client APIs on the others; a request for an API the listener does
// not serve closes the connection, as Kafka does, and ApiVersions lists only what it serves.
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
  uint8_t listeners;         // proto::kOnBroker | proto::kOnController
};

std::span<const ServedApi> served_apis();
const ServedApi* find_served(int16_t key);
// proto::kOnController for a connection on one of the node's controller listeners, else
// proto::kOnBroker.
uint8_t listener_kind(const Broker& broker, const net::ConnectionInfo& info);

asio::awaitable<net::HandlerResult> dispatch(Broker& broker, SharedSlice frame, const net::ConnectionInfo& info);

}  // namespace gregor::broker
