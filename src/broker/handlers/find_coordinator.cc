// FindCoordinator (10): locates the group or transaction coordinator for keys (batched from
// v4). This node does not run the group and transaction coordinators yet, so every key gets
// COORDINATOR_NOT_AVAILABLE, the answer Kafka gives while a coordinator is not loaded; clients
// retry. (librdkafka also reads the advertised FindCoordinator range to enable LZ4.)
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

namespace {
constexpr int16_t kCoordinatorNotAvailable = 15;
constexpr const char* kWhy = "The coordinator is not available.";
}  // namespace

asio::awaitable<net::HandlerResult> find_coordinator(RequestContext& ctx) {
  auto req = decode_body<proto::FindCoordinatorRequest>(ctx);
  if (!req) co_return close_connection();
  proto::FindCoordinatorResponse resp;
  if (ctx.version() >= 4) {
    for (const auto& key : req->coordinator_keys) {
      proto::FindCoordinatorResponse::Coordinator c;
      c.key = key;
      c.node_id = -1;
      c.port = -1;
      c.error_code = kCoordinatorNotAvailable;
      c.error_message = kWhy;
      resp.coordinators.push_back(std::move(c));
    }
  } else {
    resp.error_code = kCoordinatorNotAvailable;
    resp.error_message = kWhy;
    resp.node_id = -1;
    resp.port = -1;
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
