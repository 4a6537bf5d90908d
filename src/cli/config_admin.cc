#include "cli/config_admin.h"

#include <algorithm>
#include <memory>

#include "cli/admin_request.h"
#include "cli/config_alter_plan.h"
#include "cli/kafka_client.h"

namespace gregor::cli {
namespace {

struct ConfigResourceDeleter {
  void operator()(rd_kafka_ConfigResource_t* r) const { rd_kafka_ConfigResource_destroy(r); }
};
using ConfigResourceHandle = std::unique_ptr<rd_kafka_ConfigResource_t, ConfigResourceDeleter>;

ConfigResourceHandle new_resource(const ConfigEntity& entity) {
  const auto type = entity.type == ConfigEntityType::kTopic ? RD_KAFKA_RESOURCE_TOPIC : RD_KAFKA_RESOURCE_BROKER;
  return ConfigResourceHandle(rd_kafka_ConfigResource_new(type, entity.name.c_str()));
}

std::string source_name(rd_kafka_ConfigSource_t source) {
  const int code = static_cast<int>(source);
  if (code < 0 || code >= static_cast<int>(RD_KAFKA_CONFIG_SOURCE__CNT)) return "UNKNOWN";
  return rd_kafka_ConfigSource_name(source);
}

std::optional<std::string> entry_value(const rd_kafka_ConfigEntry_t* e) {
  const char* v = rd_kafka_ConfigEntry_value(e);
  return v ? std::optional<std::string>(v) : std::nullopt;
}

ConfigEntryInfo to_entry(const rd_kafka_ConfigEntry_t* e) {
  ConfigEntryInfo info;
  info.name = rd_kafka_ConfigEntry_name(e);
  info.value = entry_value(e);
  info.source = source_name(rd_kafka_ConfigEntry_source(e));
  info.sensitive = rd_kafka_ConfigEntry_is_sensitive(e) == 1;
  info.read_only = rd_kafka_ConfigEntry_is_read_only(e) == 1;
  info.is_default = rd_kafka_ConfigEntry_is_default(e) == 1;
  if (info.sensitive) info.value.reset();  // Never show a sensitive value, whatever came back.
  size_t count = 0;
  const rd_kafka_ConfigEntry_t** synonyms = rd_kafka_ConfigEntry_synonyms(e, &count);
  for (size_t i = 0; i < count; ++i) {
    ConfigSynonym s;
    s.name = rd_kafka_ConfigEntry_name(synonyms[i]);
    s.value = info.sensitive ? std::nullopt : entry_value(synonyms[i]);
    s.source = source_name(rd_kafka_ConfigEntry_source(synonyms[i]));
    info.synonyms.push_back(std::move(s));
  }
  return info;
}

// The one resource of a DescribeConfigs or AlterConfigs result, with its error checked.
Result<const rd_kafka_ConfigResource_t*> single_resource(const rd_kafka_ConfigResource_t** resources, size_t count,
                                                         const std::string& what) {
  if (count != 1) return make_error(-1, what + ": expected 1 resource result, got " + std::to_string(count));
  if (auto err = rd_kafka_ConfigResource_error(resources[0]); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* msg = rd_kafka_ConfigResource_error_string(resources[0]);
    return kafka_error(what, err, msg ? msg : "");
  }
  return resources[0];
}

}  // namespace

std::string describe_entity(const ConfigEntity& entity) {
  return (entity.type == ConfigEntityType::kTopic ? "topic " : "broker ") + entity.name;
}

std::string dynamic_source_of(ConfigEntityType type) {
  return type == ConfigEntityType::kTopic ? "DYNAMIC_TOPIC_CONFIG" : "DYNAMIC_BROKER_CONFIG";
}

Result<std::vector<ConfigEntryInfo>> describe_configs(rd_kafka_t* rk, const ConfigEntity& entity, int timeout_ms) {
  const std::string what = "cannot describe configs of " + describe_entity(entity);
  ConfigResourceHandle resource = new_resource(entity);
  auto options = admin_options(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout_ms);
  if (!options) return options.error();
  QueueHandle q(rd_kafka_queue_new(rk));
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  rd_kafka_DescribeConfigs(rk, resources, 1, options->get(), q.get());
  auto ev = await_admin_result(q.get(), timeout_ms, what);
  if (!ev) return ev.error();
  const rd_kafka_DescribeConfigs_result_t* res = rd_kafka_event_DescribeConfigs_result(ev->get());
  if (res == nullptr) return make_error(-1, what + ": unexpected admin result");
  size_t count = 0;
  const rd_kafka_ConfigResource_t** described = rd_kafka_DescribeConfigs_result_resources(res, &count);
  auto one = single_resource(described, count, what);
  if (!one) return one.error();
  size_t entry_count = 0;
  const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(one.value(), &entry_count);
  std::vector<ConfigEntryInfo> out;
  out.reserve(entry_count);
  for (size_t i = 0; i < entry_count; ++i) out.push_back(to_entry(entries[i]));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Status replace_configs(rd_kafka_t* rk, const ConfigEntity& entity, const std::vector<KeyValue>& full_set,
                       int timeout_ms) {
  const std::string what = "cannot alter configs of " + describe_entity(entity);
  ConfigResourceHandle resource = new_resource(entity);
  for (const auto& [key, value] : full_set) {
    if (auto err = rd_kafka_ConfigResource_set_config(resource.get(), key.c_str(), value.c_str()); err) {
      return kafka_error(what + ": config '" + key + "'", err);
    }
  }
  auto options = admin_options(rk, RD_KAFKA_ADMIN_OP_ALTERCONFIGS, timeout_ms);
  if (!options) return options.error();
  QueueHandle q(rd_kafka_queue_new(rk));
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  rd_kafka_AlterConfigs(rk, resources, 1, options->get(), q.get());
  auto ev = await_admin_result(q.get(), timeout_ms, what);
  if (!ev) return ev.error();
  const rd_kafka_AlterConfigs_result_t* res = rd_kafka_event_AlterConfigs_result(ev->get());
  if (res == nullptr) return make_error(-1, what + ": unexpected admin result");
  size_t count = 0;
  const rd_kafka_ConfigResource_t** altered = rd_kafka_AlterConfigs_result_resources(res, &count);
  auto one = single_resource(altered, count, what);
  if (!one) return one.error();
  return Status::OK();
}

Status alter_configs(rd_kafka_t* rk, const ConfigEntity& entity, const ConfigChanges& changes, int timeout_ms) {
  const Deadline deadline(timeout_ms);
  auto current = describe_configs(rk, entity, deadline.remaining_ms());
  if (!current) return current.error();
  auto full = plan_full_config(current.value(), dynamic_source_of(entity.type), changes);
  if (!full) {
    return make_error(full.error().code,
                      "cannot alter configs of " + describe_entity(entity) + ": " + full.error().message);
  }
  return replace_configs(rk, entity, full.value(), deadline.remaining_ms());
}

}  // namespace gregor::cli
