// Test helper: hand-built Images of a multi-broker cluster, and a way to commit a decision's
// records into them. For the controller's unit tests only.
// Thread-safety: a value type used by one test.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "controller/decision.h"

namespace gregor::controller::testing {

struct TestCluster {
  metadata::Image image;
  metadata::BrokerConfig config;
  int64_t next_offset = 100;  // metadata-log offset the next committed record gets

  // Registers brokers (epoch = 10 + id), unfenced.
  explicit TestCluster(std::vector<int32_t> ids) {
    image.cluster_id = "test-cluster";
    for (int32_t id : ids) add_broker(id, /*fenced=*/false);
  }

  void add_broker(int32_t id, bool fenced) {
    metadata::RegisterBrokerRecord r;
    r.broker_id = id;
    r.broker_epoch = 10 + id;
    r.incarnation_id.bytes[0] = uint8_t(id);
    r.endpoints = {{"PLAINTEXT", "host-" + std::to_string(id), 9092, 0}};
    r.fenced = fenced;
    commit({r});
  }

  // Adds topic `name` with the given replica lists; ISR = replicas, leader = first replica
  // unless `leaders` says otherwise (-1 = leaderless).
  proto::Uuid add_topic(const std::string& name, const std::vector<std::vector<int32_t>>& replicas,
                        std::vector<int32_t> leaders = {}) {
    proto::Uuid id;
    id.bytes[0] = uint8_t(image.topics.size() + 1);
    id.bytes[15] = 0x5a;
    std::vector<metadata::MetadataRecord> recs{metadata::TopicRecord{name, id}};
    for (size_t p = 0; p < replicas.size(); ++p) {
      int32_t leader = p < leaders.size() ? leaders[p] : replicas[p].front();
      recs.push_back(metadata::PartitionRecord{int32_t(p), id, replicas[p], replicas[p], leader, 0, 0});
    }
    commit(recs);
    return id;
  }

  void set_isr(const std::string& topic, int32_t partition, std::vector<int32_t> isr) {
    image.topics.at(topic).partitions.at(size_t(partition)).isr = std::move(isr);
  }

  void commit(const std::vector<metadata::MetadataRecord>& records) {
    for (const auto& r : records) metadata::apply_record(image, r, next_offset++);
  }

  const metadata::PartitionInfo& partition(const std::string& topic, int32_t p) const {
    return image.topics.at(topic).partitions.at(size_t(p));
  }
  const metadata::BrokerInfo& broker(int32_t id) const { return image.brokers.at(id); }

  void set_topic_config(const std::string& topic, const std::string& key, const std::string& value) {
    commit({metadata::ConfigRecord{metadata::ResourceType::kTopic, topic, key, value}});
  }
};

// The PartitionChangeRecords among `records`.
inline std::vector<metadata::PartitionChangeRecord> partition_changes(
    const std::vector<metadata::MetadataRecord>& records) {
  std::vector<metadata::PartitionChangeRecord> out;
  for (const auto& r : records)
    if (auto* c = std::get_if<metadata::PartitionChangeRecord>(&r)) out.push_back(*c);
  return out;
}

}  // namespace gregor::controller::testing
