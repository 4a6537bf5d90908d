// InitProducerId (22): hands an idempotent producer a fresh producer id (epoch 0) reserved
// durably by the controller. Transactional ids need the transaction coordinator, which this
// node does not run yet: such requests get COORDINATOR_NOT_AVAILABLE.
#include "broker/broker.h"
#include "broker/controller_call.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> init_producer_id(RequestContext& ctx) {
  auto req = decode_body<proto::InitProducerIdRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  proto::InitProducerIdResponse resp;
  if (req->transactional_id) {
    resp.error_code = 15;  // COORDINATOR_NOT_AVAILABLE
    co_return respond(ctx, resp);
  }
  auto id = co_await controller_call(
      broker, [](controller::Controller& c) { return c.allocate_producer_id(); },
      Result<int64_t>(not_controller_error()));
  if (!id.ok()) {
    resp.error_code = id.error().code;
  } else {
    resp.producer_id = *id;
    resp.producer_epoch = 0;
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
