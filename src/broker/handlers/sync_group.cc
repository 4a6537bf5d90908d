// SyncGroup (14): the leader hands out assignments; every member gets its own. Followers (and
// the leader) are parked until the leader's assignment arrives or the rebalance fails.
#include "broker/group_call.h"
#include "broker/handlers/group_common.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> sync_group(RequestContext& ctx) {
  auto req = decode_body<proto::SyncGroupRequest>(ctx);
  if (!req) co_return close_connection();
  proto::SyncGroupResponse resp;
  if (req->group_id.empty()) {
    resp.error_code = int16_t(ErrorCode::INVALID_GROUP_ID);
    co_return respond(ctx, resp);
  }
  group::SyncRequest sr;
  sr.member_id = req->member_id;
  sr.group_instance_id = req->group_instance_id;
  sr.generation_id = req->generation_id;
  sr.protocol_type = req->protocol_type;
  sr.protocol_name = req->protocol_name;
  for (auto& a : req->assignments) sr.assignments[a.member_id] = std::move(a.assignment);

  Broker& broker = ctx.broker;
  auto waiter = std::make_shared<GroupWaiter>(co_await asio::this_coro::executor);
  sr.token = broker.park_group_request(waiter);
  const std::string& gid = req->group_id;
  auto fn = [&](group::GroupPartition& gp, int64_t now) { return gp.sync(gid, sr, now); };
  auto call = co_await call_group(broker, gid, fn);
  if (call.error != 0 || call.value) broker.unpark_group_request(sr.token);
  if (call.error != 0) {
    resp.error_code = call.error;
    co_return respond(ctx, resp);
  }
  group::SyncResponse r;
  if (call.value) {
    r = std::move(*call.value);
  } else {
    co_await await_parked(*waiter);
    r = std::get<group::SyncResponse>(std::move(*waiter->result));
  }
  resp.error_code = int16_t(r.error);
  resp.protocol_type = r.protocol_type;
  resp.protocol_name = r.protocol_name;
  resp.assignment = std::move(r.assignment);
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
