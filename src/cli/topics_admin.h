// TopicAdmin: the topic operations behind `gregor topics`, done with librdkafka's Admin API
// (CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs) and Metadata requests. Every call is bounded
// by the timeout it is given and reports failures as Error with the Kafka error name in the
// message ("TOPIC_ALREADY_EXISTS: ...") and the librdkafka error code as Error::code.
// Thread-safety: one TopicAdmin per command thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "cli/command_support.h"
#include "cli/kafka_client.h"

namespace gregor::cli {

struct PartitionInfo {
  int32_t id = 0;
  int32_t leader = -1;  // -1: no leader.
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
};

struct TopicInfo {
  std::string name;
  std::vector<PartitionInfo> partitions;  // Sorted by id.
  std::vector<KeyValue> configs;          // Non-default configs, sorted by name (describe only).
};

struct NewTopicSpec {
  std::string name;
  int partitions = -1;          // -1: the broker's num.partitions.
  int replication_factor = -1;  // -1: the broker's default.replication.factor.
  std::vector<KeyValue> configs;
};

// Every topic in the cluster, with partitions but without configs, sorted by name (Metadata).
Result<std::vector<TopicInfo>> list_topic_infos(rd_kafka_t* rk, int timeout_ms);

class TopicAdmin {
 public:
  // Creates the admin client; it connects lazily, on the first request.
  static Result<TopicAdmin> connect(const std::string& bootstrap_servers, const std::vector<KeyValue>& properties);

  Status create_topic(const NewTopicSpec& spec, int timeout_ms);
  Status delete_topic(const std::string& name, int timeout_ms);
  // Grows the topic to total partitions (CreatePartitions); the broker refuses to shrink.
  Status create_partitions(const std::string& name, int total, int timeout_ms);
  // Every topic in the cluster, with partitions but without configs, sorted by name.
  Result<std::vector<TopicInfo>> list_topics(int timeout_ms);
  // For each named topic (one DescribeConfigs request), its configs that are not defaults,
  // sorted by name, or the error the broker gave for that topic. The outer error is for the
  // request as a whole.
  using TopicConfigs = std::map<std::string, Result<std::vector<KeyValue>>>;
  Result<TopicConfigs> describe_topic_configs(const std::vector<std::string>& names, int timeout_ms);

  // The underlying client, for requests other modules make (configs); owned by this object.
  rd_kafka_t* client() const { return client_.get(); }

 private:
  explicit TopicAdmin(ClientHandle client) : client_(std::move(client)) {}
  ClientHandle client_;
};

}  // namespace gregor::cli
