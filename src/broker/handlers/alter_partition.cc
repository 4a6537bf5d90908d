// AlterPartition (56): a partition leader asks the active controller to change its ISR. The
// controller validates it (controller/alter_partition.h), commits the PartitionChangeRecord
// through the quorum, and answers with the partition's new state; a node that is not the
// active controller answers NOT_CONTROLLER so the leader retries against the new one.
#include "broker/broker.h"
#include "broker/controller_call.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> alter_partition(RequestContext& ctx) {
  auto req = decode_body<proto::AlterPartitionRequest>(ctx);
  if (!req) co_return close_connection();
  controller::AlterPartitionRequest r;
  r.version = ctx.version();
  r.broker_id = req->broker_id;
  r.broker_epoch = req->broker_epoch;
  for (const auto& t : req->topics) {
    auto& td = r.topics.emplace_back();
    td.topic_id = t.topic_id;
    for (const auto& p : t.partitions) {
      auto& pd = td.partitions.emplace_back();
      pd.partition_index = p.partition_index;
      pd.leader_epoch = p.leader_epoch;
      pd.leader_recovery_state = p.leader_recovery_state;
      pd.partition_epoch = p.partition_epoch;
      if (ctx.version() >= 3) {
        for (const auto& b : p.new_isr_with_epochs) pd.new_isr.push_back({b.broker_id, b.broker_epoch});
      } else {
        for (int32_t id : p.new_isr) pd.new_isr.push_back({id, -1});
      }
    }
  }
  controller::AlterPartitionResponse not_leader;
  not_leader.error = 41;  // NOT_CONTROLLER
  auto decided = co_await controller_call(
      ctx.broker, [&r](controller::Controller& c) { return c.alter_partition(r); }, not_leader);
  proto::AlterPartitionResponse resp;
  resp.error_code = decided.error;
  for (const auto& t : decided.topics) {
    auto& out = resp.topics.emplace_back();
    out.topic_id = t.topic_id;
    for (const auto& p : t.partitions) {
      auto& pr = out.partitions.emplace_back();
      pr.partition_index = p.partition_index;
      pr.error_code = p.error;
      pr.leader_id = p.leader_id;
      pr.leader_epoch = p.leader_epoch;
      pr.isr = p.isr;
      pr.leader_recovery_state = p.leader_recovery_state;
      pr.partition_epoch = p.partition_epoch;
    }
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
