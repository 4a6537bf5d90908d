// AllocateProducerIds (67), on the controller listener: the active controller reserves the
// next block of producer ids for a broker (a ProducerIdsRecord in the metadata log) and
// answers its start and length. NOT_CONTROLLER elsewhere; STALE_BROKER_EPOCH /
// BROKER_ID_NOT_REGISTERED for a broker the controller does not know at that epoch.
#include "broker/broker.h"
#include "broker/controller_call.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> allocate_producer_ids(RequestContext& ctx) {
  auto req = decode_body<proto::AllocateProducerIdsRequest>(ctx);
  if (!req) co_return close_connection();
  const int32_t broker_id = req->broker_id;
  const int64_t broker_epoch = req->broker_epoch;
  auto block = co_await controller_call(
      ctx.broker,
      [broker_id, broker_epoch](controller::Controller& c) { return c.allocate_producer_ids(broker_id, broker_epoch); },
      Result<controller::ProducerIdBlock>(not_controller_error()));
  proto::AllocateProducerIdsResponse resp;
  if (!block.ok()) {
    resp.error_code = block.error().code;
  } else {
    resp.producer_id_start = block->start;
    resp.producer_id_len = block->length;
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
