#include "cli/topics_admin.h"

#include <algorithm>

#include "cli/admin_request.h"

namespace gregor::cli {
namespace {

struct NewTopicDeleter {
  void operator()(rd_kafka_NewTopic_t* t) const { rd_kafka_NewTopic_destroy(t); }
};
struct DeleteTopicDeleter {
  void operator()(rd_kafka_DeleteTopic_t* t) const { rd_kafka_DeleteTopic_destroy(t); }
};
struct NewPartitionsDeleter {
  void operator()(rd_kafka_NewPartitions_t* p) const { rd_kafka_NewPartitions_destroy(p); }
};
struct ConfigResourceDeleter {
  void operator()(rd_kafka_ConfigResource_t* r) const { rd_kafka_ConfigResource_destroy(r); }
};

// The single per-topic result of a CreateTopics, DeleteTopics or CreatePartitions request.
Status topic_result_status(const rd_kafka_topic_result_t** results, size_t count, const std::string& what) {
  if (count != 1) return make_error(-1, what + ": expected 1 topic result, got " + std::to_string(count));
  rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[0]);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::OK();
  const char* msg = rd_kafka_topic_result_error_string(results[0]);
  return kafka_error(what, err, msg ? msg : "");
}

}  // namespace

Result<TopicAdmin> TopicAdmin::connect(const std::string& bootstrap_servers,
                                       const std::vector<KeyValue>& properties) {
  auto client = make_client(RD_KAFKA_PRODUCER, bootstrap_servers, properties);
  if (!client) return client.error();
  return TopicAdmin(std::move(client.value()));
}

Status TopicAdmin::create_topic(const NewTopicSpec& spec, int timeout_ms) {
  const std::string what = "cannot create topic '" + spec.name + "'";
  char errstr[512];
  std::unique_ptr<rd_kafka_NewTopic_t, NewTopicDeleter> topic(
      rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions, spec.replication_factor, errstr, sizeof errstr));
  if (!topic) return make_error(0, what + ": " + errstr);
  for (const auto& [key, value] : spec.configs) {
    if (auto err = rd_kafka_NewTopic_set_config(topic.get(), key.c_str(), value.c_str()); err) {
      return kafka_error(what, err);
    }
  }
  auto options = admin_options(client_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout_ms);
  if (!options) return options.error();
  QueueHandle q(rd_kafka_queue_new(client_.get()));
  rd_kafka_NewTopic_t* topics[] = {topic.get()};
  rd_kafka_CreateTopics(client_.get(), topics, 1, options->get(), q.get());
  auto ev = await_admin_result(q.get(), timeout_ms, what);
  if (!ev) return ev.error();
  const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev->get());
  if (res == nullptr) return make_error(-1, what + ": unexpected admin result");
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &count);
  return topic_result_status(results, count, what);
}

Status TopicAdmin::delete_topic(const std::string& name, int timeout_ms) {
  const std::string what = "cannot delete topic '" + name + "'";
  std::unique_ptr<rd_kafka_DeleteTopic_t, DeleteTopicDeleter> topic(rd_kafka_DeleteTopic_new(name.c_str()));
  auto options = admin_options(client_.get(), RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout_ms);
  if (!options) return options.error();
  QueueHandle q(rd_kafka_queue_new(client_.get()));
  rd_kafka_DeleteTopic_t* topics[] = {topic.get()};
  rd_kafka_DeleteTopics(client_.get(), topics, 1, options->get(), q.get());
  auto ev = await_admin_result(q.get(), timeout_ms, what);
  if (!ev) return ev.error();
  const rd_kafka_DeleteTopics_result_t* res = rd_kafka_event_DeleteTopics_result(ev->get());
  if (res == nullptr) return make_error(-1, what + ": unexpected admin result");
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_DeleteTopics_result_topics(res, &count);
  return topic_result_status(results, count, what);
}

Status TopicAdmin::create_partitions(const std::string& name, int total, int timeout_ms) {
  const std::string what = "cannot add partitions to topic '" + name + "'";
  char errstr[512];
  std::unique_ptr<rd_kafka_NewPartitions_t, NewPartitionsDeleter> parts(
      rd_kafka_NewPartitions_new(name.c_str(), static_cast<size_t>(total), errstr, sizeof errstr));
  if (!parts) return make_error(0, what + ": " + errstr);
  auto options = admin_options(client_.get(), RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, timeout_ms);
  if (!options) return options.error();
  QueueHandle q(rd_kafka_queue_new(client_.get()));
  rd_kafka_NewPartitions_t* list[] = {parts.get()};
  rd_kafka_CreatePartitions(client_.get(), list, 1, options->get(), q.get());
  auto ev = await_admin_result(q.get(), timeout_ms, what);
  if (!ev) return ev.error();
  const rd_kafka_CreatePartitions_result_t* res = rd_kafka_event_CreatePartitions_result(ev->get());
  if (res == nullptr) return make_error(-1, what + ": unexpected admin result");
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreatePartitions_result_topics(res, &count);
  return topic_result_status(results, count, what);
}

Result<std::vector<TopicInfo>> TopicAdmin::list_topics(int timeout_ms) { return list_topic_infos(client_.get(), timeout_ms); }

Result<std::vector<TopicInfo>> list_topic_infos(rd_kafka_t* rk, int timeout_ms) {
  auto md = fetch_all_metadata(rk, timeout_ms);
  if (!md) return md.error();
  std::vector<TopicInfo> topics;
  const rd_kafka_metadata_t* m = md->get();
  for (int t = 0; t < m->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& mt = m->topics[t];
    if (mt.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return kafka_error("metadata for topic '" + std::string(mt.topic) + "'", mt.err);
    }
    TopicInfo info;
    info.name = mt.topic;
    for (int p = 0; p < mt.partition_cnt; ++p) {
      const rd_kafka_metadata_partition_t& mp = mt.partitions[p];
      PartitionInfo pi;
      pi.id = mp.id;
      pi.leader = mp.leader;
      pi.replicas.assign(mp.replicas, mp.replicas + mp.replica_cnt);
      pi.isr.assign(mp.isrs, mp.isrs + mp.isr_cnt);
      info.partitions.push_back(std::move(pi));
    }
    std::sort(info.partitions.begin(), info.partitions.end(),
              [](const PartitionInfo& a, const PartitionInfo& b) { return a.id < b.id; });
    topics.push_back(std::move(info));
  }
  std::sort(topics.begin(), topics.end(), [](const TopicInfo& a, const TopicInfo& b) { return a.name < b.name; });
  return topics;
}

Result<TopicAdmin::TopicConfigs> TopicAdmin::describe_topic_configs(const std::vector<std::string>& names,
                                                                  int timeout_ms) {
  const std::string what = "cannot describe topic configs";
  std::vector<std::unique_ptr<rd_kafka_ConfigResource_t, ConfigResourceDeleter>> owned;
  std::vector<rd_kafka_ConfigResource_t*> resources;
  for (const std::string& name : names) {
    owned.emplace_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name.c_str()));
    resources.push_back(owned.back().get());
  }
  TopicConfigs out;
  if (resources.empty()) return out;
  auto options = admin_options(client_.get(), RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout_ms);
  if (!options) return options.error();
  QueueHandle q(rd_kafka_queue_new(client_.get()));
  rd_kafka_DescribeConfigs(client_.get(), resources.data(), resources.size(), options->get(), q.get());
  auto ev = await_admin_result(q.get(), timeout_ms, what);
  if (!ev) return ev.error();
  const rd_kafka_DescribeConfigs_result_t* res = rd_kafka_event_DescribeConfigs_result(ev->get());
  if (res == nullptr) return make_error(-1, what + ": unexpected admin result");
  size_t count = 0;
  const rd_kafka_ConfigResource_t** described = rd_kafka_DescribeConfigs_result_resources(res, &count);
  for (size_t r = 0; r < count; ++r) {
    const std::string name = rd_kafka_ConfigResource_name(described[r]);
    if (auto err = rd_kafka_ConfigResource_error(described[r]); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* msg = rd_kafka_ConfigResource_error_string(described[r]);
      out.emplace(name, kafka_error("cannot describe configs of topic '" + name + "'", err, msg ? msg : ""));
      continue;
    }
    size_t entry_count = 0;
    const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(described[r], &entry_count);
    std::vector<KeyValue> configs;
    for (size_t i = 0; i < entry_count; ++i) {
      // As kafka-topics --describe: everything whose value does not come from a default.
      if (rd_kafka_ConfigEntry_is_default(entries[i])) continue;
      const char* value = rd_kafka_ConfigEntry_value(entries[i]);
      configs.emplace_back(rd_kafka_ConfigEntry_name(entries[i]), value ? value : "null");  // null: sensitive
    }
    std::sort(configs.begin(), configs.end());
    out.emplace(name, std::move(configs));
  }
  return out;
}

}  // namespace gregor::cli
