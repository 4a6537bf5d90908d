// CreatePartitions (37): grows topics; explicit assignments must name known brokers.
#include "broker/broker.h"
#include "broker/controller_call.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> create_partitions(RequestContext& ctx) {
  auto req = decode_body<proto::CreatePartitionsRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  proto::CreatePartitionsResponse resp;
  bool changed = false;
  for (const auto& t : req->topics) {
    proto::CreatePartitionsResponse::CreatePartitionsTopicResult r;
    r.name = t.name;
    bool validate_only = req->validate_only;
    auto st = co_await controller_call(
        broker, [&t, validate_only](controller::Controller& c) { return c.create_partitions(t.name, t.count, validate_only); },
        Status(not_controller_error()));
    if (!st.ok()) {
      r.error_code = st.error().code;
      r.error_message = st.error().message;
    } else if (!validate_only) {
      changed = true;
    }
    resp.results.push_back(std::move(r));
  }
  if (changed) co_await broker.publish();
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
