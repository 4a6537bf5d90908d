// ApiVersions (18): the APIs and versions this node serves on the listener asked.
#include "broker/dispatch.h"
#include <algorithm>

#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "metadata/features.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> api_versions(RequestContext& ctx) {
  auto req = decode_body<proto::ApiVersionsRequest>(ctx);
  if (!req) co_return close_connection();
  proto::ApiVersionsResponse resp;
  const uint8_t kind = listener_kind(ctx.broker, ctx.conn);
  for (const auto& a : served_apis()) {
    if (!(a.listeners & kind)) continue;
    proto::ApiVersionsResponse::ApiVersion v;
    v.api_key = a.key;
    v.min_version = a.advertised_min;
    v.max_version = a.max_version;
    resp.api_keys.push_back(v);
  }
  // v3+: the features (tagged fields), as a KRaft broker always reports them; the finalized
  // features' epoch is the metadata offset applied here, as in Kafka.
  if (ctx.version() >= 3) {
    for (const auto& f : metadata::features()) {
      resp.supported_features.push_back({std::string(f.name), f.min_version, f.max_version});
      if (f.finalized_level > 0)
        resp.finalized_features.push_back({std::string(f.name), f.finalized_level, f.finalized_level});
    }
    resp.finalized_features_epoch = std::max<int64_t>(ctx.broker.applied_metadata_offset(), 0);
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
