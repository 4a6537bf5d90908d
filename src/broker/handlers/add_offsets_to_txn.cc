// AddOffsetsToTxn (25): adds the group's __consumer_offsets partition to the producer's
// transaction, so a TxnOffsetCommit may follow and the marker reaches the group coordinator.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/txn_call.h"
#include "coordinator/group/records.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

using model::ErrorCode;

asio::awaitable<net::HandlerResult> add_offsets_to_txn(RequestContext& ctx) {
  auto req = decode_body<proto::AddOffsetsToTxnRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  proto::AddOffsetsToTxnResponse resp;
  if (req->transactional_id.empty()) {
    resp.error_code = int16_t(ErrorCode::INVALID_REQUEST);
    co_return respond(ctx, resp);
  }
  if (req->group_id.empty()) {
    resp.error_code = int16_t(ErrorCode::INVALID_GROUP_ID);
    co_return respond(ctx, resp);
  }
  co_await broker.ensure_offsets_topic();
  const auto* offsets = broker.local().image->find_topic("__consumer_offsets");
  if (!offsets || offsets->partitions.empty()) {
    resp.error_code = int16_t(ErrorCode::COORDINATOR_NOT_AVAILABLE);
    co_return respond(ctx, resp);
  }
  std::vector<txn::TopicPartition> partitions{
      {"__consumer_offsets", group::partition_for_group(req->group_id, int32_t(offsets->partitions.size()))}};
  auto fn = [&](txn::TxnPartition& tp, int64_t now, int64_t committed) {
    return tp.add_partitions(req->transactional_id, req->producer_id, req->producer_epoch, partitions, now, committed);
  };
  auto a = co_await call_txn(broker, broker.locate_txn(req->transactional_id), fn);
  resp.error_code = fenced_for_version(a.decision.error, ctx.version(), 2);
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
