// CreateTopics (19): validated and recorded by the controller (shard 0); the new image is
// published to every shard before the response, so the topic is usable when it arrives.
#include "broker/broker.h"
#include "broker/controller_call.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> create_topics(RequestContext& ctx) {
  auto req = decode_body<proto::CreateTopicsRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  std::vector<controller::CreateTopicSpec> specs;
  for (const auto& t : req->topics) {
    controller::CreateTopicSpec s;
    s.name = t.name;
    s.num_partitions = t.num_partitions;
    s.replication_factor = t.replication_factor;
    for (const auto& a : t.assignments) {
      if (size_t(a.partition_index) >= s.assignments.size()) s.assignments.resize(size_t(a.partition_index) + 1);
      s.assignments[size_t(a.partition_index)] = a.broker_ids;
    }
    for (const auto& c : t.configs)
      if (c.value) s.configs[c.name] = *c.value;
    specs.push_back(std::move(s));
  }
  bool validate_only = req->validate_only;
  auto results = co_await controller_call(
      broker, [&specs, validate_only](controller::Controller& c) { return c.create_topics(specs, validate_only); },
      std::vector<controller::CreateTopicResult>{});
  if (results.size() != specs.size()) {
    auto e = not_controller_error();
    results.assign(specs.size(), controller::CreateTopicResult{e.code, e.message});
  }

  const auto& st = broker.local();
  proto::CreateTopicsResponse resp;
  for (size_t i = 0; i < specs.size(); ++i) {
    const auto& r = results[i];
    proto::CreateTopicsResponse::CreatableTopicResult out;
    out.name = specs[i].name;
    out.error_code = r.error;
    if (r.error != 0) {
      out.error_message = r.message;
    } else {
      out.topic_id = r.id;
      out.num_partitions = r.num_partitions;
      out.replication_factor = r.replication_factor;
      std::vector<proto::CreateTopicsResponse::CreatableTopicConfigs> configs;
      for (const auto& key : metadata::topic_keys()) {
        auto v = st.config.resolve_topic(key.name, specs[i].configs);
        proto::CreateTopicsResponse::CreatableTopicConfigs c;
        c.name = key.name;
        c.value = v.value;
        c.read_only = false;
        c.config_source = int8_t(v.source);
        c.is_sensitive = key.sensitive;
        configs.push_back(std::move(c));
      }
      out.configs = std::move(configs);
    }
    resp.topics.push_back(std::move(out));
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
