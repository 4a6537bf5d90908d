// JoinGroup (11): a member joins a classic group. The coordinator answers at once (errors,
// MEMBER_ID_REQUIRED, a static member rejoining a Stable group) or parks the request until the
// join phase ends; then this handler waits for the response its token gets.
#include "broker/group_call.h"
#include "broker/handlers/group_common.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> join_group(RequestContext& ctx) {
  auto req = decode_body<proto::JoinGroupRequest>(ctx);
  if (!req) co_return close_connection();
  const int16_t v = ctx.version();
  proto::JoinGroupResponse resp;
  resp.member_id = req->member_id;
  auto finish = [&](int16_t error) {
    resp.error_code = error;
    resp.generation_id = -1;
    if (v < 7) resp.protocol_name = std::string();
    return respond(ctx, resp);
  };
  if (req->group_id.empty()) co_return finish(int16_t(ErrorCode::INVALID_GROUP_ID));
  if (req->protocol_type.empty() || req->protocols.empty())
    co_return finish(int16_t(ErrorCode::INCONSISTENT_GROUP_PROTOCOL));

  group::JoinRequest jr;
  jr.member_id = req->member_id;
  jr.group_instance_id = req->group_instance_id;
  jr.client_id = ctx.header.client_id.value_or("");
  jr.client_host = client_host(ctx.conn);
  jr.session_timeout_ms = req->session_timeout_ms;
  jr.rebalance_timeout_ms = v >= 1 ? req->rebalance_timeout_ms : req->session_timeout_ms;
  jr.protocol_type = req->protocol_type;
  for (auto& p : req->protocols) jr.protocols.push_back(group::Protocol{p.name, std::move(p.metadata)});
  jr.require_known_member_id = v >= 4;
  jr.supports_skip_assignment = v >= 9;

  Broker& broker = ctx.broker;
  auto waiter = std::make_shared<GroupWaiter>(co_await asio::this_coro::executor);
  jr.token = broker.park_group_request(waiter);
  const std::string& gid = req->group_id;
  auto fn = [&](group::GroupPartition& gp, int64_t now) { return gp.join(gid, jr, now); };
  auto call = co_await call_group(broker, gid, fn);
  if (call.error != 0 || call.value) broker.unpark_group_request(jr.token);
  if (call.error != 0) co_return finish(call.error);
  group::JoinResponse r;
  if (call.value) {
    r = std::move(*call.value);
  } else {
    co_await await_parked(*waiter);
    r = std::get<group::JoinResponse>(std::move(*waiter->result));
  }
  resp.error_code = int16_t(r.error);
  resp.generation_id = r.generation_id;
  resp.protocol_type = r.protocol_type;
  resp.protocol_name = r.protocol_name;
  if (v < 7 && !resp.protocol_name) resp.protocol_name = std::string();
  resp.leader = r.leader;
  resp.skip_assignment = r.skip_assignment;
  resp.member_id = r.member_id;
  for (auto& m : r.members) {
    proto::JoinGroupResponse::JoinGroupResponseMember pm;
    pm.member_id = m.member_id;
    pm.group_instance_id = m.group_instance_id;
    pm.metadata = std::move(m.metadata);
    resp.members.push_back(std::move(pm));
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
