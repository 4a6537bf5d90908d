#include "controller/election.h"

#include <fmt/format.h>

#include <map>

#include "controller/partition_change.h"
#include "model/error_code.h"

namespace gregor::controller {

using model::ErrorCode;

namespace {

ElectLeadersResponse::PartitionResult elect_one(const metadata::Image& image, const std::string& topic_name,
                                                int32_t partition, ElectionType type,
                                                std::vector<metadata::MetadataRecord>& records) {
  ElectLeadersResponse::PartitionResult r;
  r.partition_id = partition;
  const metadata::TopicInfo* topic = image.find_topic(topic_name);
  if (!topic) {
    r.error = int16_t(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
    r.message = "No such topic as " + topic_name;
    return r;
  }
  if (partition < 0 || size_t(partition) >= topic->partitions.size()) {
    r.error = int16_t(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
    r.message = fmt::format("No such partition as {}-{}", topic_name, partition);
    return r;
  }
  const auto& p = topic->partitions[size_t(partition)];
  const bool has_preferred = !p.replicas.empty() && p.leader == p.replicas.front();
  if ((type == ElectionType::kPreferred && has_preferred) ||
      (type == ElectionType::kUnclean && p.leader != metadata::kNoLeader)) {
    r.error = int16_t(ErrorCode::ELECTION_NOT_NEEDED);
    return r;
  }
  PartitionChangeBuilder builder(p, topic->id, partition, [&](int32_t id) { return image.is_active_broker(id); });
  builder.set_election(type == ElectionType::kPreferred ? Election::kPreferred : Election::kUnclean);
  auto rec = builder.build();
  if (!rec) {
    r.error = int16_t(type == ElectionType::kPreferred ? ErrorCode::PREFERRED_LEADER_NOT_AVAILABLE
                                                       : ErrorCode::ELIGIBLE_LEADERS_NOT_AVAILABLE);
    return r;
  }
  records.push_back(std::move(*rec));
  return r;
}

}  // namespace

ControllerResult<ElectLeadersResponse> elect_leaders(const metadata::Image& image, const metadata::BrokerConfig&,
                                                     const ElectLeadersRequest& req) {
  ControllerResult<ElectLeadersResponse> result;
  if (!req.topic_partitions) {
    for (const auto& [name, topic] : image.topics) {
      auto& tr = result.response.results.emplace_back();
      tr.topic = name;
      for (size_t i = 0; i < topic.partitions.size(); ++i) {
        auto r = elect_one(image, name, int32_t(i), req.type, result.records);
        if (r.error != int16_t(ErrorCode::ELECTION_NOT_NEEDED)) tr.partitions.push_back(std::move(r));
      }
    }
    return result;
  }
  for (const auto& tp : *req.topic_partitions) {
    auto& tr = result.response.results.emplace_back();
    tr.topic = tp.topic;
    for (int32_t partition : tp.partitions) tr.partitions.push_back(elect_one(image, tp.topic, partition, req.type, result.records));
  }
  return result;
}

std::vector<LeaderImbalance> leader_imbalance(const metadata::Image& image) {
  std::map<int32_t, LeaderImbalance> by_broker;
  for (const auto& [name, topic] : image.topics) {
    for (const auto& p : topic.partitions) {
      if (p.replicas.empty()) continue;
      auto& b = by_broker[p.replicas.front()];
      b.broker_id = p.replicas.front();
      ++b.preferred;
      if (p.leader != p.replicas.front()) ++b.not_leading;
    }
  }
  std::vector<LeaderImbalance> out;
  for (const auto& [id, b] : by_broker) out.push_back(b);
  return out;
}

ControllerResult<bool> rebalance_leaders(const metadata::Image& image, const metadata::BrokerConfig& config,
                                         size_t max_elections) {
  ControllerResult<bool> result{{}, false};
  if (!config.get_bool("auto.leader.rebalance.enable")) return result;
  const double threshold = double(config.get_long("leader.imbalance.per.broker.percentage")) / 100.0;
  for (const auto& imbalance : leader_imbalance(image)) {
    const int32_t preferred = imbalance.broker_id;
    if (imbalance.ratio() <= threshold) continue;
    if (!image.is_active_broker(preferred)) continue;
    for (const auto& [name, topic] : image.topics) {
      for (size_t i = 0; i < topic.partitions.size(); ++i) {
        const auto& p = topic.partitions[i];
        if (p.replicas.empty() || p.replicas.front() != preferred || p.leader == preferred) continue;
        if (!contains(p.isr, preferred)) continue;
        if (result.records.size() >= max_elections) {
          result.response = true;
          return result;
        }
        PartitionChangeBuilder builder(p, topic.id, int32_t(i), [&](int32_t id) { return image.is_active_broker(id); });
        builder.set_election(Election::kPreferred);
        if (auto rec = builder.build()) result.records.push_back(std::move(*rec));
      }
    }
  }
  return result;
}

}  // namespace gregor::controller
