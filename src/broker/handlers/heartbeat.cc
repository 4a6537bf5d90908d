// Heartbeat (12): keeps a member alive; REBALANCE_IN_PROGRESS tells it to rejoin.
#include "broker/group_call.h"
#include "broker/handlers/group_common.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> heartbeat(RequestContext& ctx) {
  auto req = decode_body<proto::HeartbeatRequest>(ctx);
  if (!req) co_return close_connection();
  proto::HeartbeatResponse resp;
  if (req->group_id.empty()) {
    resp.error_code = int16_t(ErrorCode::INVALID_GROUP_ID);
    co_return respond(ctx, resp);
  }
  group::HeartbeatRequest hr{req->member_id, req->group_instance_id, req->generation_id};
  const std::string& gid = req->group_id;
  auto fn = [&](group::GroupPartition& gp, int64_t now) { return gp.heartbeat(gid, hr, now); };
  auto call = co_await call_group(ctx.broker, gid, fn);
  resp.error_code = call.error != 0 ? call.error : int16_t(call.value);
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
