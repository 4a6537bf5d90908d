// OffsetCommit (8): a group member (generation and member id checked) or a simple consumer
// (generation -1, no member id) commits offsets. Offsets for partitions that do not exist get
// UNKNOWN_TOPIC_OR_PARTITION (UNKNOWN_TOPIC_ID by id from v10); the rest are written to
// __consumer_offsets before the response. v0 (no generation, no member id) is a simple consumer's
// commit, stored with the group as v1 is (Kafka 3.9 wrote v0 to ZooKeeper); v1's per-partition
// CommitTimestamp is not used: offsets are dated when committed.
#include "broker/group_call.h"
#include "broker/handlers/group_common.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> offset_commit(RequestContext& ctx) {
  auto req = decode_body<proto::OffsetCommitRequest>(ctx);
  if (!req) co_return close_connection();
  const int16_t v = ctx.version();
  const auto& image = *ctx.broker.local().image;

  proto::OffsetCommitResponse resp;
  group::OffsetCommitRequest cr;
  cr.group_id = req->group_id;
  cr.generation_id = req->generation_id_or_member_epoch;
  cr.member_id = req->member_id;
  cr.group_instance_id = req->group_instance_id;
  if (v <= 4 && req->retention_time_ms != -1) cr.retention_ms = req->retention_time_ms;
  cr.api_version = v;
  // Where each valid partition's result goes: (topic index, partition index).
  std::vector<std::pair<size_t, size_t>> slots;
  for (size_t ti = 0; ti < req->topics.size(); ++ti) {
    auto& t = req->topics[ti];
    proto::OffsetCommitResponse::OffsetCommitResponseTopic rt;
    rt.name = t.name;
    rt.topic_id = t.topic_id;
    const metadata::TopicInfo* info = v >= 10 ? image.find_topic(t.topic_id) : image.find_topic(t.name);
    for (size_t pi = 0; pi < t.partitions.size(); ++pi) {
      auto& p = t.partitions[pi];
      proto::OffsetCommitResponse::OffsetCommitResponsePartition rp;
      rp.partition_index = p.partition_index;
      if (req->group_id.empty()) {
        rp.error_code = int16_t(ErrorCode::INVALID_GROUP_ID);
      } else if (!info) {
        rp.error_code = int16_t(v >= 10 ? ErrorCode::UNKNOWN_TOPIC_ID : ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
      } else if (p.partition_index < 0 || size_t(p.partition_index) >= info->partitions.size()) {
        rp.error_code = int16_t(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
      } else {
        cr.partitions.push_back(group::OffsetCommitPartition{group::TopicPartition{info->name, p.partition_index},
                                                             p.committed_offset, p.committed_leader_epoch,
                                                             p.committed_metadata.value_or("")});
        slots.emplace_back(ti, pi);
      }
      rt.partitions.push_back(rp);
    }
    resp.topics.push_back(std::move(rt));
  }
  if (!cr.partitions.empty()) {
    auto fn = [&](group::GroupPartition& gp, int64_t now) { return gp.commit_offsets(cr, now); };
    auto call = co_await call_group(ctx.broker, cr.group_id, fn);
    for (size_t i = 0; i < slots.size(); ++i) {
      auto& rp = resp.topics[slots[i].first].partitions[slots[i].second];
      if (call.error != 0) rp.error_code = call.error;
      else if (i < call.value.size()) rp.error_code = int16_t(call.value[i].error);
    }
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
