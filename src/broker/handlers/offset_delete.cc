// OffsetDelete (47): removes committed offsets of a group for partitions it no longer consumes
// (GROUP_SUBSCRIBED_TO_TOPIC while a Stable consumer group subscribes to the topic).
#include "broker/group_call.h"
#include "broker/handlers/group_common.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> offset_delete(RequestContext& ctx) {
  auto req = decode_body<proto::OffsetDeleteRequest>(ctx);
  if (!req) co_return close_connection();
  const auto& image = *ctx.broker.local().image;
  proto::OffsetDeleteResponse resp;
  if (req->group_id.empty()) {
    resp.error_code = int16_t(ErrorCode::INVALID_GROUP_ID);
    co_return respond(ctx, resp);
  }
  std::vector<group::TopicPartition> tps;
  std::vector<std::pair<size_t, size_t>> slots;
  for (size_t ti = 0; ti < req->topics.size(); ++ti) {
    const auto& t = req->topics[ti];
    proto::OffsetDeleteResponse::OffsetDeleteResponseTopic rt;
    rt.name = t.name;
    const auto* info = image.find_topic(t.name);
    for (size_t pi = 0; pi < t.partitions.size(); ++pi) {
      proto::OffsetDeleteResponse::OffsetDeleteResponsePartition rp;
      rp.partition_index = t.partitions[pi].partition_index;
      if (!info || rp.partition_index < 0 || size_t(rp.partition_index) >= info->partitions.size()) {
        rp.error_code = int16_t(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
      } else {
        tps.push_back(group::TopicPartition{t.name, rp.partition_index});
        slots.emplace_back(ti, pi);
      }
      rt.partitions.push_back(rp);
    }
    resp.topics.push_back(std::move(rt));
  }
  const std::string& gid = req->group_id;
  auto fn = [&](group::GroupPartition& gp, int64_t now) { return gp.delete_offsets(gid, tps, now); };
  auto call = co_await call_group(ctx.broker, gid, fn);
  int16_t group_error = call.error != 0 ? call.error : int16_t(call.value.error);
  if (group_error != 0) {
    proto::OffsetDeleteResponse err;
    err.error_code = group_error;
    co_return respond(ctx, err);
  }
  for (size_t i = 0; i < slots.size() && i < call.value.partitions.size(); ++i)
    resp.topics[slots[i].first].partitions[slots[i].second].error_code = int16_t(call.value.partitions[i].error);
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
