// DeleteTopics (20): by name (v1-5) or by name or id (v6); the controller records the removal
// and every shard deletes the partition directories it owns.
#include "broker/broker.h"
#include "broker/controller_call.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

namespace {
constexpr int16_t kUnknownTopic = 3, kTopicDeletionDisabled = 73, kUnknownTopicId = 100;
}

asio::awaitable<net::HandlerResult> delete_topics(RequestContext& ctx) {
  auto req = decode_body<proto::DeleteTopicsRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  struct Item { std::optional<std::string> name; proto::Uuid id; };
  std::vector<Item> items;
  if (ctx.version() >= 6) {
    for (const auto& t : req->topics) items.push_back({t.name, t.topic_id});
  } else {
    for (const auto& n : req->topic_names) items.push_back({n, {}});
  }
  bool enabled = broker.local().config.get_bool("delete.topic.enable");
  proto::DeleteTopicsResponse resp;
  bool changed = false;
  for (const auto& item : items) {
    proto::DeleteTopicsResponse::DeletableTopicResult r;
    r.name = item.name;
    r.topic_id = item.id;
    const auto& image = *broker.local().image;
    const metadata::TopicInfo* t = item.name ? image.find_topic(*item.name) : image.find_topic(item.id);
    if (!enabled) {
      r.error_code = kTopicDeletionDisabled;
      r.error_message = "Topic deletion is disabled.";
    } else if (!t) {
      r.error_code = item.name ? kUnknownTopic : kUnknownTopicId;
      r.error_message = item.name ? "This server does not host this topic-partition." : "This server does not host this topic ID.";
    } else {
      std::string name = t->name;
      r.name = name;
      auto res = co_await controller_call(
          broker, [&name](controller::Controller& c) { return c.delete_topic(name); },
          Result<proto::Uuid>(not_controller_error()));
      if (!res.ok()) {
        r.error_code = res.error().code;
        r.error_message = res.error().message;
      } else {
        r.topic_id = *res;
        changed = true;
        GLOG_INFO("deleted topic {}", name);
      }
    }
    resp.responses.push_back(std::move(r));
  }
  if (changed) co_await broker.publish();
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
