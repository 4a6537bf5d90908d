// EndTxn (26), v0-v4: commits or aborts the producer's transaction. The answer goes out once
// the PrepareCommit/PrepareAbort record is committed; the coordinator then writes the markers
// to every partition of the transaction and completes it (the producer's next transactional
// request waits with CONCURRENT_TRANSACTIONS until it has). Before v2 PRODUCER_FENCED is
// answered as INVALID_PRODUCER_EPOCH.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/txn_call.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

using model::ErrorCode;

asio::awaitable<net::HandlerResult> end_txn(RequestContext& ctx) {
  auto req = decode_body<proto::EndTxnRequest>(ctx);
  if (!req) co_return close_connection();
  proto::EndTxnResponse resp;
  if (req->transactional_id.empty()) {
    resp.error_code = int16_t(ErrorCode::INVALID_REQUEST);
    co_return respond(ctx, resp);
  }
  auto fn = [&](txn::TxnPartition& tp, int64_t now, int64_t committed) {
    return tp.end_txn(req->transactional_id, req->producer_id, req->producer_epoch, req->committed, now, committed);
  };
  auto a = co_await call_txn(ctx.broker, ctx.broker.locate_txn(req->transactional_id), fn);
  resp.error_code = fenced_for_version(a.decision.error, ctx.version(), 2);
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
