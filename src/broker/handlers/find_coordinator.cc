// FindCoordinator (10): locates the coordinator of each key (one key before v4, a batch from
// v4). Groups (key type 0) are coordinated by the leader of __consumer_offsets partition
// hash(group) % offsets.topic.num.partitions, which is created on the first request, as Kafka
// does. Transaction coordinators (key type 1) are the leaders of __transaction_state
// partition hash(transactional.id) % transaction.state.log.num.partitions, created likewise.
#include "broker/broker.h"
#include "broker/handlers/group_common.h"
#include "broker/handlers/handlers.h"
#include "coordinator/group/records.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

namespace {

constexpr int8_t kGroupKey = 0, kTransactionKey = 1;

struct Found {
  int16_t error = 0;
  std::string message;
  int32_t node_id = -1;
  std::string host;
  int32_t port = -1;
};

Found locate(RequestContext& ctx, int8_t key_type, const std::string& key) {
  Broker& broker = ctx.broker;
  if (key_type != kGroupKey && key_type != kTransactionKey)
    return Found{int16_t(ErrorCode::INVALID_REQUEST), "Unknown coordinator key type " + std::to_string(key_type)};
  if (key_type == kTransactionKey && key.empty())
    return Found{int16_t(ErrorCode::INVALID_REQUEST), "The transactional id must not be empty."};
  // The coordinator is the leader of the key's partition of the internal topic, wherever it runs.
  const auto& image = *broker.local().image;
  const Found unavailable{int16_t(ErrorCode::COORDINATOR_NOT_AVAILABLE), "The coordinator is not available."};
  const auto* topic = image.find_topic(key_type == kGroupKey ? "__consumer_offsets" : "__transaction_state");
  if (!topic || topic->partitions.empty()) return unavailable;
  // Both use Java's String.hashCode rule.
  int32_t p = group::partition_for_group(key, int32_t(topic->partitions.size()));
  const auto* b = image.find_broker(topic->partitions[size_t(p)].leader);
  if (!b || b->fenced) return unavailable;
  auto [host, port] = broker.endpoint_for(*b, ctx.conn.listener_name);
  return Found{0, {}, b->id, host, port};
}

}  // namespace

asio::awaitable<net::HandlerResult> find_coordinator(RequestContext& ctx) {
  auto req = decode_body<proto::FindCoordinatorRequest>(ctx);
  if (!req) co_return close_connection();
  const int16_t v = ctx.version();
  int8_t key_type = v >= 1 ? req->key_type : kGroupKey;
  if (key_type == kGroupKey) co_await ctx.broker.ensure_offsets_topic();
  if (key_type == kTransactionKey) co_await ctx.broker.ensure_txn_topic();
  proto::FindCoordinatorResponse resp;
  if (v >= 4) {
    for (const auto& key : req->coordinator_keys) {
      auto f = locate(ctx, key_type, key);
      proto::FindCoordinatorResponse::Coordinator c;
      c.key = key;
      c.node_id = f.node_id;
      c.host = f.host;
      c.port = f.port;
      c.error_code = f.error;
      if (f.error != 0) c.error_message = f.message;
      resp.coordinators.push_back(std::move(c));
    }
  } else {
    auto f = locate(ctx, key_type, req->key);
    resp.error_code = f.error;
    if (f.error != 0) resp.error_message = f.message;
    resp.node_id = f.node_id;
    resp.host = f.host;
    resp.port = f.port;
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
