// InitProducerId (22): an idempotent producer (no transactional id) gets a fresh producer id
// with epoch 0 from this broker's block (broker/producer_ids.cc). A transactional producer is
// answered by the coordinator of its id (the leader of its __transaction_state partition):
// a new id gets a fresh producer id, a known one a bumped epoch (fencing older instances;
// an open transaction is aborted first and the client retries on CONCURRENT_TRANSACTIONS).
// Clients before v4 get INVALID_PRODUCER_EPOCH for PRODUCER_FENCED.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/txn_call.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

using model::ErrorCode;

asio::awaitable<net::HandlerResult> init_producer_id(RequestContext& ctx) {
  auto req = decode_body<proto::InitProducerIdRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  const int16_t v = ctx.version();
  proto::InitProducerIdResponse resp;
  if (!req->transactional_id) {
    auto id = co_await broker.allocate_producer_id();
    if (!id.ok()) {
      resp.error_code = id.error().code;
    } else {
      resp.producer_id = *id;
      resp.producer_epoch = 0;
    }
    co_return respond(ctx, resp);
  }
  const std::string id = *req->transactional_id;
  const int64_t expected_id = v >= 3 ? req->producer_id : -1;
  const int16_t expected_epoch = v >= 3 ? req->producer_epoch : -1;
  if (id.empty() || (expected_id == -1) != (expected_epoch == -1)) {
    resp.error_code = int16_t(ErrorCode::INVALID_REQUEST);
    co_return respond(ctx, resp);
  }
  std::optional<int64_t> fresh;
  txn::TxnAnswer a;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto fn = [&](txn::TxnPartition& tp, int64_t now, int64_t committed) {
      return tp.init_producer_id(id, req->transaction_timeout_ms, expected_id, expected_epoch, fresh, now, committed);
    };
    a = co_await call_txn(broker, broker.locate_txn(id), fn);
    if (!a.decision.needs_producer_id || fresh) break;
    auto pid = co_await broker.allocate_producer_id();
    if (!pid.ok()) {
      resp.error_code = pid.error().code;
      co_return respond(ctx, resp);
    }
    fresh = *pid;
  }
  if (a.decision.needs_producer_id) a.decision.error = ErrorCode::CONCURRENT_TRANSACTIONS;  // raced: retry
  resp.error_code = fenced_for_version(a.decision.error, v, 4);
  resp.producer_id = a.decision.error == ErrorCode::NONE ? a.decision.producer_id : -1;
  resp.producer_epoch = a.decision.error == ErrorCode::NONE ? a.decision.producer_epoch : int16_t(-1);
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
