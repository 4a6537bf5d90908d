// Leader elections asked for by an admin (ElectLeaders, API 43) or by the controller's periodic
// leader rebalance.
// elect_leaders, per partition (Kafka's ReplicationControlManager.electLeader):
//   unknown topic or partition -> UNKNOWN_TOPIC_OR_PARTITION (3) with a message naming it;
//   PREFERRED: ELECTION_NOT_NEEDED (84) when replicas[0] already leads; else the preferred
//     election of PartitionChangeBuilder (replicas[0] if active and in the ISR; a leaderless
//     partition may get another ISR member); PREFERRED_LEADER_NOT_AVAILABLE (80) when that
//     changes nothing;
//   UNCLEAN: ELECTION_NOT_NEEDED when the partition has a leader; else an unclean election
//     (an ISR member if one is active, else any active replica, whose ISR becomes just itself);
//     ELIGIBLE_LEADERS_NOT_AVAILABLE (83) when no replica is active.
//   With no partitions named (null), every partition is tried and ELECTION_NOT_NEEDED results
//   are left out of the response.
// rebalance_leaders (auto.leader.rebalance.enable, every leader.imbalance.check.interval.seconds):
//   for each broker, imbalance = partitions it is the preferred leader of but does not lead /
//   partitions it is the preferred leader of. When that exceeds
//   leader.imbalance.per.broker.percentage / 100, each of those partitions whose preferred
//   leader is active and in the ISR gets a preferred election (at most max_elections records;
//   call again while `response` says more remain). Nothing when auto.leader.rebalance.enable is
//   false.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controller/decision.h"

namespace gregor::controller {

// Kafka's ElectionType codes.
enum class ElectionType : int8_t { kPreferred = 0, kUnclean = 1 };

struct ElectLeadersRequest {
  struct TopicPartitions {
    std::string topic;
    std::vector<int32_t> partitions;
  };
  ElectionType type = ElectionType::kPreferred;
  std::optional<std::vector<TopicPartitions>> topic_partitions;  // nullopt: all partitions
};

struct ElectLeadersResponse {
  struct PartitionResult {
    int32_t partition_id = -1;
    int16_t error = 0;
    std::optional<std::string> message;
  };
  struct TopicResult {
    std::string topic;
    std::vector<PartitionResult> partitions;
  };
  std::vector<TopicResult> results;
};

ControllerResult<ElectLeadersResponse> elect_leaders(const metadata::Image& image, const metadata::BrokerConfig& config,
                                                     const ElectLeadersRequest& request);

// Per-broker preferred-leadership imbalance, for the rebalance decision and for metrics.
struct LeaderImbalance {
  int32_t broker_id = -1;
  int32_t preferred = 0;      // partitions whose replicas[0] is this broker
  int32_t not_leading = 0;    // ... of which it is not the leader
  double ratio() const { return preferred == 0 ? 0.0 : double(not_leading) / double(preferred); }
};
std::vector<LeaderImbalance> leader_imbalance(const metadata::Image& image);

// response: true when more elections remain than max_elections allowed.
ControllerResult<bool> rebalance_leaders(const metadata::Image& image, const metadata::BrokerConfig& config,
                                         size_t max_elections = 1000);

}  // namespace gregor::controller
