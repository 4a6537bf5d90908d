// DescribeConfigs (32): every key of a topic (its overrides, else broker synonyms, else
// defaults) or of this broker, with Kafka's config source, synonyms on request, and types.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "metadata/records.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

namespace {
constexpr int16_t kUnknownTopic = 3, kInvalidRequest = 42;
using Result_ = proto::DescribeConfigsResponse::DescribeConfigsResult;
using Entry = proto::DescribeConfigsResponse::DescribeConfigsResourceResult;

bool wanted(const std::optional<std::vector<std::string>>& keys, const std::string& name) {
  if (!keys || keys->empty()) return true;
  return std::find(keys->begin(), keys->end(), name) != keys->end();
}

void add_synonym(Entry& e, const std::string& name, const std::optional<std::string>& value, metadata::ConfigSource src) {
  proto::DescribeConfigsResponse::DescribeConfigsSynonym s;
  s.name = name;
  s.value = value;
  s.source = int8_t(src);
  e.synonyms.push_back(std::move(s));
}
}  // namespace

asio::awaitable<net::HandlerResult> describe_configs(RequestContext& ctx) {
  auto req = decode_body<proto::DescribeConfigsRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  const auto& st = broker.local();
  const auto& cfg = st.config;
  proto::DescribeConfigsResponse resp;
  for (const auto& res : req->resources) {
    Result_ r;
    r.resource_type = res.resource_type;
    r.resource_name = res.resource_name;
    if (res.resource_type == int8_t(metadata::ResourceType::kTopic)) {
      const auto* t = st.image->find_topic(res.resource_name);
      if (!t) {
        r.error_code = kUnknownTopic;
        r.error_message = "Topic " + res.resource_name + " does not exist.";
      } else {
        for (const auto& key : metadata::topic_keys()) {
          if (!wanted(res.configuration_keys, key.name)) continue;
          auto v = cfg.resolve_topic(key.name, t->configs);
          Entry e;
          e.name = key.name;
          e.value = key.sensitive ? std::nullopt : v.value;
          e.read_only = false;
          e.config_source = int8_t(v.source);
          e.is_default = v.source == metadata::ConfigSource::kDefault;  // v0 has no config source
          e.is_sensitive = key.sensitive;
          e.config_type = int8_t(key.type);
          if (req->include_synonyms) {
            if (auto it = t->configs.find(key.name); it != t->configs.end())
              add_synonym(e, key.name, it->second, metadata::ConfigSource::kTopic);
            for (const auto& syn : key.synonyms) {
              auto b = cfg.resolve(syn);
              if (b.source != metadata::ConfigSource::kDefault && b.value) add_synonym(e, syn, b.value, b.source);
            }
            if (!key.synonyms.empty()) {
              const auto* bk = metadata::find_broker_key(key.synonyms.front());
              if (bk && bk->default_value) add_synonym(e, bk->name, bk->default_value, metadata::ConfigSource::kDefault);
            }
          }
          r.configs.push_back(std::move(e));
        }
      }
    } else if (res.resource_type == int8_t(metadata::ResourceType::kBroker)) {
      if (!res.resource_name.empty() && res.resource_name != std::to_string(broker.options().node_id)) {
        r.error_code = kInvalidRequest;
        r.error_message = "Unexpected broker id, expected " + std::to_string(broker.options().node_id) +
                          " or empty string, but received " + res.resource_name;
      } else {
        for (const auto& key : metadata::broker_keys()) {
          if (!wanted(res.configuration_keys, key.name)) continue;
          auto v = cfg.resolve(key.name);
          if (res.resource_name.empty() && v.source != metadata::ConfigSource::kDynamicDefaultBroker) continue;
          Entry e;
          e.name = key.name;
          e.value = key.sensitive ? std::nullopt : v.value;
          e.read_only = !key.dynamic;
          e.config_source = int8_t(v.source);
          e.is_default = v.source == metadata::ConfigSource::kDefault;  // v0 has no config source
          e.is_sensitive = key.sensitive;
          e.config_type = int8_t(key.type);
          if (req->include_synonyms) {
            if (auto it = cfg.dynamic_values().find(key.name); it != cfg.dynamic_values().end())
              add_synonym(e, key.name, it->second, metadata::ConfigSource::kDynamicBroker);
            if (auto it = cfg.dynamic_defaults().find(key.name); it != cfg.dynamic_defaults().end())
              add_synonym(e, key.name, it->second, metadata::ConfigSource::kDynamicDefaultBroker);
            if (auto it = cfg.static_values().find(key.name); it != cfg.static_values().end())
              add_synonym(e, key.name, it->second, metadata::ConfigSource::kStaticBroker);
            if (key.default_value) add_synonym(e, key.name, key.default_value, metadata::ConfigSource::kDefault);
          }
          r.configs.push_back(std::move(e));
        }
      }
    } else {
      r.error_code = kInvalidRequest;
      r.error_message = "Unsupported resource type " + std::to_string(res.resource_type);
    }
    resp.results.push_back(std::move(r));
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
