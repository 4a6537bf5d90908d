// ApiVersions (18): the APIs and versions this node serves.
#include "broker/dispatch.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> api_versions(RequestContext& ctx) {
  auto req = decode_body<proto::ApiVersionsRequest>(ctx);
  if (!req) co_return close_connection();
  proto::ApiVersionsResponse resp;
  for (const auto& a : served_apis()) {
    proto::ApiVersionsResponse::ApiVersion v;
    v.api_key = a.key;
    v.min_version = a.advertised_min;
    v.max_version = a.max_version;
    resp.api_keys.push_back(v);
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
