// DeleteGroups (42): deletes Empty groups and their committed offsets (tombstones in
// __consumer_offsets); NON_EMPTY_GROUP while members remain, GROUP_ID_NOT_FOUND if absent.
#include "broker/group_call.h"
#include "broker/handlers/group_common.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> delete_groups(RequestContext& ctx) {
  auto req = decode_body<proto::DeleteGroupsRequest>(ctx);
  if (!req) co_return close_connection();
  proto::DeleteGroupsResponse resp;
  for (const auto& gid : req->groups_names) {
    proto::DeleteGroupsResponse::DeletableGroupResult r;
    r.group_id = gid;
    if (gid.empty()) {
      r.error_code = int16_t(ErrorCode::INVALID_GROUP_ID);
    } else {
      auto fn = [&](group::GroupPartition& gp, int64_t now) { return gp.delete_groups({gid}, now); };
      auto call = co_await call_group(ctx.broker, gid, fn);
      r.error_code = call.error != 0 ? call.error : int16_t(call.value.at(0));
    }
    resp.results.push_back(std::move(r));
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
