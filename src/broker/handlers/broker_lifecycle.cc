// BrokerRegistration (62) and BrokerHeartbeat (63), served by the active controller on the
// controller listener (other nodes forward them there): decided by controller/broker_lifecycle
// and committed through the quorum before the answer leaves. A node that is not the active
// controller answers NOT_CONTROLLER (41), and the broker asks the new one.
#include "base/clock.h"
#include "broker/broker.h"
#include "broker/controller_call.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> broker_registration(RequestContext& ctx) {
  auto req = decode_body<proto::BrokerRegistrationRequest>(ctx);
  if (!req) co_return close_connection();
  controller::BrokerRegistrationRequest r;
  r.broker_id = req->broker_id;
  r.cluster_id = req->cluster_id;
  r.incarnation_id = req->incarnation_id;
  for (const auto& l : req->listeners)
    r.listeners.push_back(metadata::Endpoint{l.name, l.host, int32_t(l.port), l.security_protocol});
  for (const auto& f : req->features)
    r.features.push_back(metadata::BrokerFeature{f.name, f.min_supported_version, f.max_supported_version});
  r.rack = req->rack;
  r.log_dirs = req->log_dirs;
  controller::BrokerRegistrationReply not_leader;
  not_leader.error = 41;
  auto reply = co_await controller_call(
      ctx.broker, [&r](controller::Controller& c) { return c.register_broker(r, mono_ms()); }, not_leader);
  if (reply.error != 0 && !reply.message.empty())
    GLOG_WARN("broker registration of node {} refused: {}", r.broker_id, reply.message);
  proto::BrokerRegistrationResponse resp;
  resp.error_code = reply.error;
  resp.broker_epoch = reply.broker_epoch;
  co_return respond(ctx, resp);
}

asio::awaitable<net::HandlerResult> broker_heartbeat(RequestContext& ctx) {
  auto req = decode_body<proto::BrokerHeartbeatRequest>(ctx);
  if (!req) co_return close_connection();
  controller::BrokerHeartbeatRequest h;
  h.broker_id = req->broker_id;
  h.broker_epoch = req->broker_epoch;
  h.current_metadata_offset = req->current_metadata_offset;
  h.want_fence = req->want_fence;
  h.want_shut_down = req->want_shut_down;
  controller::BrokerHeartbeatReply not_leader;
  not_leader.error = 41;
  auto reply = co_await controller_call(
      ctx.broker, [&h](controller::Controller& c) { return c.heartbeat(h, mono_ms()); }, not_leader);
  proto::BrokerHeartbeatResponse resp;
  resp.error_code = reply.error;
  resp.is_caught_up = reply.is_caught_up;
  resp.is_fenced = reply.is_fenced;
  resp.should_shut_down = reply.should_shut_down;
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
