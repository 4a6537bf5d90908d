// Replay of metadata records into an Image (apply_record, merge_partition_change; records.h).
#include <algorithm>

#include "metadata/records.h"

namespace gregor::metadata {

namespace {

PartitionInfo* find_partition(Image& image, const proto::Uuid& topic_id, int32_t partition_id) {
  auto it = image.topic_names.find(topic_id);
  if (it == image.topic_names.end() || partition_id < 0) return nullptr;
  TopicInfo& t = image.topics[it->second];
  if (size_t(partition_id) >= t.partitions.size()) return nullptr;
  return &t.partitions[size_t(partition_id)];
}

// The registration a broker-state record names, when its epoch is the current one.
BrokerInfo* registration(Image& image, int32_t id, int64_t epoch) {
  auto it = image.brokers.find(id);
  if (it == image.brokers.end() || it->second.epoch != epoch) return nullptr;
  return &it->second;
}

void apply_register(Image& image, const RegisterBrokerRecord& rec, int64_t offset) {
  BrokerInfo b;
  b.id = rec.broker_id;
  b.epoch = rec.broker_epoch;
  b.incarnation_id = rec.incarnation_id;
  b.endpoints = rec.endpoints;
  if (!rec.endpoints.empty()) {
    b.host = rec.endpoints.front().host;
    b.port = rec.endpoints.front().port;
  }
  b.rack = rec.rack;
  b.fenced = rec.fenced;
  b.in_controlled_shutdown = rec.in_controlled_shutdown;
  b.registration_offset = offset;
  image.brokers[rec.broker_id] = std::move(b);
  image.max_broker_epoch = std::max(image.max_broker_epoch, rec.broker_epoch);
}

}  // namespace

void merge_partition_change(PartitionInfo& p, const PartitionChangeRecord& change) {
  if (change.replicas) p.replicas = *change.replicas;
  if (change.isr) p.isr = *change.isr;
  if (change.removing_replicas) p.removing_replicas = *change.removing_replicas;
  if (change.adding_replicas) p.adding_replicas = *change.adding_replicas;
  if (change.leader != kNoLeaderChange) {
    p.leader = change.leader;
    ++p.leader_epoch;
  }
  if (change.leader_recovery_state == 0 || change.leader_recovery_state == 1)
    p.leader_recovery_state = LeaderRecoveryState(change.leader_recovery_state);
  ++p.partition_epoch;
}

void apply_record(Image& image, const MetadataRecord& record, int64_t offset) {
  std::visit(
      [&](const auto& rec) {
        using T = std::decay_t<decltype(rec)>;
        if constexpr (std::is_same_v<T, TopicRecord>) {
          TopicInfo& t = image.topics[rec.name];
          t.name = rec.name;
          t.id = rec.topic_id;
          t.internal = is_internal_topic(rec.name);
          image.topic_names[rec.topic_id] = rec.name;
        } else if constexpr (std::is_same_v<T, PartitionRecord>) {
          auto it = image.topic_names.find(rec.topic_id);
          if (it == image.topic_names.end()) return;
          TopicInfo& t = image.topics[it->second];
          if (rec.partition_id < 0) return;
          if (size_t(rec.partition_id) >= t.partitions.size()) t.partitions.resize(size_t(rec.partition_id) + 1);
          PartitionInfo& p = t.partitions[size_t(rec.partition_id)];
          p = PartitionInfo{};
          p.replicas = rec.replicas;
          p.isr = rec.isr;
          p.leader = rec.leader;
          p.leader_epoch = rec.leader_epoch;
          p.partition_epoch = rec.partition_epoch;
        } else if constexpr (std::is_same_v<T, ConfigRecord>) {
          ConfigMap* target = nullptr;
          if (rec.resource_type == ResourceType::kTopic) {
            auto it = image.topics.find(rec.resource_name);
            if (it == image.topics.end()) return;
            target = &it->second.configs;
          } else if (rec.resource_type == ResourceType::kBroker) {
            target = &image.broker_configs[rec.resource_name];
          } else {
            return;
          }
          if (rec.value) (*target)[rec.name] = *rec.value;
          else target->erase(rec.name);
        } else if constexpr (std::is_same_v<T, RemoveTopicRecord>) {
          auto it = image.topic_names.find(rec.topic_id);
          if (it == image.topic_names.end()) return;
          image.topics.erase(it->second);
          image.topic_names.erase(it);
        } else if constexpr (std::is_same_v<T, ProducerIdsRecord>) {
          image.next_producer_id = std::max(image.next_producer_id, rec.next_producer_id);
        } else if constexpr (std::is_same_v<T, RegisterBrokerRecord>) {
          apply_register(image, rec, offset);
        } else if constexpr (std::is_same_v<T, UnregisterBrokerRecord>) {
          if (registration(image, rec.broker_id, rec.broker_epoch)) image.brokers.erase(rec.broker_id);
        } else if constexpr (std::is_same_v<T, FenceBrokerRecord>) {
          if (auto* b = registration(image, rec.id, rec.epoch)) b->fenced = true;
        } else if constexpr (std::is_same_v<T, UnfenceBrokerRecord>) {
          if (auto* b = registration(image, rec.id, rec.epoch)) b->fenced = false;
        } else if constexpr (std::is_same_v<T, BrokerRegistrationChangeRecord>) {
          BrokerInfo* b = registration(image, rec.broker_id, rec.broker_epoch);
          if (!b) return;
          if (rec.fenced == FencingChange::kFence) b->fenced = true;
          if (rec.fenced == FencingChange::kUnfence) b->fenced = false;
          if (rec.in_controlled_shutdown) b->in_controlled_shutdown = true;
        } else {
          static_assert(std::is_same_v<T, PartitionChangeRecord>);
          if (PartitionInfo* p = find_partition(image, rec.topic_id, rec.partition_id)) merge_partition_change(*p, rec);
        }
      },
      record);
}

}  // namespace gregor::metadata
