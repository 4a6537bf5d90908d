// TxnOffsetCommit (28), v0-v3: offsets committed as part of a producer's transaction, sent to
// the group's coordinator. They are written in the producer's transactional batch to
// __consumer_offsets and become the group's offsets only when the commit marker arrives
// (an abort drops them). v3 names the member and generation, which are checked.
#include "broker/group_call.h"
#include "broker/handlers/group_common.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> txn_offset_commit(RequestContext& ctx) {
  auto req = decode_body<proto::TxnOffsetCommitRequest>(ctx);
  if (!req) co_return close_connection();
  const auto& image = *ctx.broker.local().image;
  proto::TxnOffsetCommitResponse resp;
  group::TxnOffsetCommitRequest cr;
  cr.group_id = req->group_id;
  cr.producer_id = req->producer_id;
  cr.producer_epoch = req->producer_epoch;
  cr.generation_id = req->generation_id;
  cr.member_id = req->member_id;
  cr.group_instance_id = req->group_instance_id;
  std::vector<std::pair<size_t, size_t>> slots;
  for (size_t ti = 0; ti < req->topics.size(); ++ti) {
    const auto& t = req->topics[ti];
    auto& rt = resp.topics.emplace_back();
    rt.name = t.name;
    const auto* info = image.find_topic(t.name);
    for (size_t pi = 0; pi < t.partitions.size(); ++pi) {
      const auto& p = t.partitions[pi];
      auto& rp = rt.partitions.emplace_back();
      rp.partition_index = p.partition_index;
      if (req->group_id.empty()) {
        rp.error_code = int16_t(ErrorCode::INVALID_GROUP_ID);
      } else if (!info || p.partition_index < 0 || size_t(p.partition_index) >= info->partitions.size()) {
        rp.error_code = int16_t(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
      } else {
        cr.partitions.push_back(group::OffsetCommitPartition{group::TopicPartition{t.name, p.partition_index},
                                                             p.committed_offset, p.committed_leader_epoch,
                                                             p.committed_metadata.value_or("")});
        slots.emplace_back(ti, pi);
      }
    }
  }
  if (!cr.partitions.empty()) {
    auto fn = [&](group::GroupPartition& gp, int64_t now) { return gp.txn_commit_offsets(cr, now); };
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
