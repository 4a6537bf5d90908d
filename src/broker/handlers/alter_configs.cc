// AlterConfigs (33, replace semantics) and IncrementalAlterConfigs (44: SET, DELETE, APPEND,
// SUBTRACT) for topics and this broker (or the cluster-wide default, resource name "").
// The controller validates and records the change; the new values reach every shard and are
// applied to the partitions' logs before the response.
#include "broker/broker.h"
#include "broker/controller_call.h"
#include "broker/handlers/handlers.h"
#include "metadata/records.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

namespace {
constexpr int16_t kInvalidRequest = 42, kInvalidConfig = 40;
enum Op : int8_t { kSet = 0, kDelete = 1, kAppend = 2, kSubtract = 3 };

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

template <class Resp, class Res>
void add_result(Resp& resp, const Res& res, const Status& st) {
  typename decltype(resp.responses)::value_type r;
  r.resource_type = res.resource_type;
  r.resource_name = res.resource_name;
  if (!st.ok()) {
    r.error_code = st.error().code;
    r.error_message = st.error().message;
  }
  resp.responses.push_back(std::move(r));
}
}  // namespace

asio::awaitable<net::HandlerResult> alter_configs(RequestContext& ctx) {
  auto req = decode_body<proto::AlterConfigsRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  proto::AlterConfigsResponse resp;
  bool changed = false;
  for (const auto& res : req->resources) {
    std::vector<controller::ConfigChange> changes;
    for (const auto& c : res.configs) changes.emplace_back(c.name, c.value);
    auto type = metadata::ResourceType(res.resource_type);
    bool validate_only = req->validate_only;
    auto st = co_await controller_call(
        broker,
        [type, &res, &changes, validate_only](controller::Controller& c) {
          return c.alter_configs(type, res.resource_name, changes, true, validate_only);
        },
        Status(not_controller_error()));
    changed |= st.ok() && !validate_only;
    add_result(resp, res, st);
  }
  if (changed) co_await broker.publish();
  co_return respond(ctx, resp);
}

asio::awaitable<net::HandlerResult> incremental_alter_configs(RequestContext& ctx) {
  auto req = decode_body<proto::IncrementalAlterConfigsRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  proto::IncrementalAlterConfigsResponse resp;
  bool changed = false;
  for (const auto& res : req->resources) {
    auto type = metadata::ResourceType(res.resource_type);
    Status st = Status::OK();
    std::vector<controller::ConfigChange> changes;
    const auto& local = broker.local();
    for (const auto& c : res.configs) {
      switch (c.config_operation) {
        case kSet:
          changes.emplace_back(c.name, c.value.value_or(""));
          break;
        case kDelete:
          changes.emplace_back(c.name, std::nullopt);
          break;
        case kAppend:
        case kSubtract: {
          const auto* key = type == metadata::ResourceType::kTopic ? metadata::find_topic_key(c.name)
                                                                   : metadata::find_broker_key(c.name);
          if (!key || key->type != metadata::ConfigType::kList) {
            st = make_error(kInvalidConfig, "Config value append/subtract is not allowed for config key " + c.name);
            break;
          }
          std::string current;
          if (type == metadata::ResourceType::kTopic) {
            const auto* t = local.image->find_topic(res.resource_name);
            current = local.config.resolve_topic(c.name, t ? t->configs : metadata::ConfigMap{}).value.value_or("");
          } else {
            current = local.config.get(c.name);
          }
          auto items = metadata::parse_list(current);
          for (const auto& v : metadata::parse_list(c.value.value_or(""))) {
            auto it = std::find(items.begin(), items.end(), v);
            if (c.config_operation == kAppend && it == items.end()) items.push_back(v);
            if (c.config_operation == kSubtract && it != items.end()) items.erase(it);
          }
          changes.emplace_back(c.name, join(items));
          break;
        }
        default:
          st = make_error(kInvalidRequest, "Unknown config operation " + std::to_string(c.config_operation));
      }
    }
    if (st.ok()) {
      bool validate_only = req->validate_only;
      st = co_await controller_call(
          broker,
          [type, &res, &changes, validate_only](controller::Controller& c) {
            return c.alter_configs(type, res.resource_name, changes, false, validate_only);
          },
          Status(not_controller_error()));
      changed |= st.ok() && !validate_only;
    }
    add_result(resp, res, st);
  }
  if (changed) co_await broker.publish();
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
