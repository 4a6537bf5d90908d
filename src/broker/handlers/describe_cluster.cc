// DescribeCluster (60): cluster id, controller and brokers as this listener advertises them.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> describe_cluster(RequestContext& ctx) {
  auto req = decode_body<proto::DescribeClusterRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  const auto& image = *broker.local().image;
  proto::DescribeClusterResponse resp;
  if (req->endpoint_type != 1) {
    resp.error_code = 114;  // UNSUPPORTED_ENDPOINT_TYPE: controller endpoints are not served here yet
    resp.error_message = "The target broker only supports the broker endpoint type.";
    co_return respond(ctx, resp);
  }
  resp.cluster_id = image.cluster_id;
  resp.controller_id = image.controller_id;
  for (const auto& [id, b] : image.brokers) {
    if (b.fenced) continue;  // Kafka lists only brokers the controller has unfenced
    proto::DescribeClusterResponse::DescribeClusterBroker out;
    out.broker_id = id;
    std::tie(out.host, out.port) = broker.endpoint_for(b, ctx.conn.listener_name);
    out.rack = b.rack;
    resp.brokers.push_back(std::move(out));
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
