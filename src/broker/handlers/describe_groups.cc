// DescribeGroups (15): state, protocol and members of each group; member metadata and
// assignments are filled in only when the group is Stable. A group that does not exist
// describes as Dead; from v6 it also carries GROUP_ID_NOT_FOUND, as Kafka 4 answers.
#include "broker/group_call.h"
#include "broker/handlers/group_common.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

namespace {
// Without an authorizer every group operation is allowed: READ(3), DELETE(6), DESCRIBE(8).
constexpr int32_t kAllGroupOperations = (1 << 3) | (1 << 6) | (1 << 8);
}  // namespace

asio::awaitable<net::HandlerResult> describe_groups(RequestContext& ctx) {
  auto req = decode_body<proto::DescribeGroupsRequest>(ctx);
  if (!req) co_return close_connection();
  const int16_t v = ctx.version();
  proto::DescribeGroupsResponse resp;
  for (const auto& gid : req->groups) {
    proto::DescribeGroupsResponse::DescribedGroup dg;
    dg.group_id = gid;
    if (req->include_authorized_operations) dg.authorized_operations = kAllGroupOperations;
    if (gid.empty()) {
      dg.error_code = int16_t(ErrorCode::INVALID_GROUP_ID);
      resp.groups.push_back(std::move(dg));
      continue;
    }
    auto fn = [&](group::GroupPartition& gp, int64_t) {
      bool exists = gp.manager().find(gid) != nullptr;
      return std::make_pair(exists, gp.manager().describe(gid));
    };
    auto call = co_await call_group(ctx.broker, gid, fn);
    if (call.error != 0) {
      dg.error_code = call.error;
      resp.groups.push_back(std::move(dg));
      continue;
    }
    auto& [exists, d] = call.value;
    dg.group_state = d.state;
    dg.protocol_type = d.protocol_type;
    dg.protocol_data = d.protocol_name;
    if (!exists && v >= 6) {
      dg.error_code = int16_t(ErrorCode::GROUP_ID_NOT_FOUND);
      dg.error_message = "Group " + gid + " not found.";
    }
    for (auto& m : d.members) {
      proto::DescribeGroupsResponse::DescribedGroupMember pm;
      pm.member_id = m.member_id;
      pm.group_instance_id = m.group_instance_id;
      pm.client_id = m.client_id;
      pm.client_host = m.client_host;
      pm.member_metadata = std::move(m.metadata);
      pm.member_assignment = std::move(m.assignment);
      dg.members.push_back(std::move(pm));
    }
    resp.groups.push_back(std::move(dg));
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
