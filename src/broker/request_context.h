// RequestContext: what a handler sees of one request: the broker, the connection, the decoded
// header and a reader positioned at the body. decode_body() and respond() are the only places
// handlers touch the wire encoding.
// Thread-safety: lives on the connection's shard for the duration of one request.
#pragma once

#include <optional>

#include "base/log.h"
#include "net/connection.h"
#include "protocol/header.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace gregor::broker {

class Broker;

struct RequestContext {
  Broker& broker;
  const net::ConnectionInfo& conn;
  proto::RequestHeader header;
  proto::Reader& body;

  int16_t version() const { return header.api_version; }
};

// Decodes the request body; nullopt (after one log line) when it is malformed.
template <class Req>
std::optional<Req> decode_body(RequestContext& ctx) {
  Req req;
  if (!req.decode(ctx.body, ctx.header.api_version) || !ctx.body.ok()) {
    GLOG_WARN("closing connection from {}: malformed {} v{} request: {}", ctx.conn.peer, ctx.header.api_key,
              ctx.header.api_version, ctx.body.error());
    return std::nullopt;
  }
  return req;
}

inline net::HandlerResult close_connection() { return {net::HandlerResult::Kind::kClose, {}}; }
inline net::HandlerResult no_response() { return {net::HandlerResult::Kind::kNoResponse, {}}; }

// Encodes header + body of a response for this request.
template <class Resp>
net::HandlerResult respond(const RequestContext& ctx, const Resp& resp) {
  proto::Writer w;
  proto::encode_response_header(w, ctx.header.correlation_id,
                                proto::response_header_version(ctx.header.api_key, ctx.header.api_version));
  resp.encode(w, ctx.header.api_version);
  return {net::HandlerResult::Kind::kRespond, w.finish()};
}

}  // namespace gregor::broker
