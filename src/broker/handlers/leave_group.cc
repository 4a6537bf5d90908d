// LeaveGroup (13): members leave (one by member id before v3; a batch, by member or instance
// id, from v3), which starts a rebalance for the rest.
#include "broker/group_call.h"
#include "broker/handlers/group_common.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> leave_group(RequestContext& ctx) {
  auto req = decode_body<proto::LeaveGroupRequest>(ctx);
  if (!req) co_return close_connection();
  const int16_t v = ctx.version();
  proto::LeaveGroupResponse resp;
  if (req->group_id.empty()) {
    resp.error_code = int16_t(ErrorCode::INVALID_GROUP_ID);
    co_return respond(ctx, resp);
  }
  std::vector<group::LeavingMember> members;
  if (v < 3) {
    members.push_back(group::LeavingMember{req->member_id, std::nullopt});
  } else {
    for (const auto& m : req->members) members.push_back(group::LeavingMember{m.member_id, m.group_instance_id});
  }
  const std::string& gid = req->group_id;
  auto fn = [&](group::GroupPartition& gp, int64_t now) { return gp.leave(gid, members, now); };
  auto call = co_await call_group(ctx.broker, gid, fn);
  if (call.error != 0) {
    resp.error_code = call.error;
    co_return respond(ctx, resp);
  }
  const auto& r = call.value;
  if (v < 3) {
    resp.error_code = r.error != ErrorCode::NONE ? int16_t(r.error)
                      : r.member_errors.empty()  ? int16_t(0)
                                                 : int16_t(r.member_errors[0]);
  } else {
    resp.error_code = int16_t(r.error);
    for (size_t i = 0; i < members.size(); ++i) {
      proto::LeaveGroupResponse::MemberResponse m;
      m.member_id = members[i].member_id;
      m.group_instance_id = members[i].group_instance_id;
      m.error_code = i < r.member_errors.size() ? int16_t(r.member_errors[i]) : int16_t(0);
      resp.members.push_back(std::move(m));
    }
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
