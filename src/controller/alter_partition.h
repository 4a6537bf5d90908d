// AlterPartition (API 56): a partition leader asks to change its ISR. Validated as Kafka's
// controller does (ReplicationControlManager.alterPartition):
//   request: STALE_BROKER_EPOCH (77) when the sender is not registered with that broker epoch.
//   topic:   UNKNOWN_TOPIC_ID (100) for an unknown id (version >= 2; by name before:
//            UNKNOWN_TOPIC_OR_PARTITION).
//   partition, in this order:
//     unknown partition                          -> UNKNOWN_TOPIC_OR_PARTITION (3)
//     leader or partition epoch newer than ours  -> NOT_CONTROLLER (41)
//     leader epoch older than ours               -> FENCED_LEADER_EPOCH (74)
//     sender is not the leader                   -> INVALID_REQUEST (42)
//     partition epoch older than ours            -> INVALID_UPDATE_VERSION (95)
//     new ISR has a non-replica or a duplicate   -> INVALID_REQUEST
//     new ISR lacks the leader                   -> INVALID_REQUEST
//     RECOVERING with more than one ISR member, or RECOVERED -> RECOVERING -> INVALID_REQUEST
//     a new ISR member not registered, fenced, in controlled shutdown, or with another broker
//     epoch than the request says (-1 = unchecked) -> INELIGIBLE_REPLICA (107)
//   success: a PartitionChangeRecord with the new ISR (partition epoch + 1, leader and leader
//   epoch unchanged) unless nothing changes, and the partition as it will be: leader, leader
//   epoch, ISR, recovery state, partition epoch. Should the change elect another leader (the
//   sender is itself no longer an acceptable leader), the record is still written and the
//   partition answers NEW_LEADER_ELECTED (108).
// Thread-safety: a pure function.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "controller/decision.h"

namespace gregor::controller {

struct AlterPartitionRequest {
  struct BrokerState {
    int32_t broker_id = -1;
    int64_t broker_epoch = -1;  // -1: not checked (requests before version 3)
  };
  struct PartitionData {
    int32_t partition_index = -1;
    int32_t leader_epoch = -1;
    std::vector<BrokerState> new_isr;
    int8_t leader_recovery_state = 0;
    int32_t partition_epoch = -1;
  };
  struct TopicData {
    proto::Uuid topic_id;    // version >= 2
    std::string topic_name;  // version < 2
    std::vector<PartitionData> partitions;
  };
  int16_t version = 3;
  int32_t broker_id = -1;
  int64_t broker_epoch = -1;
  std::vector<TopicData> topics;
};

struct AlterPartitionResponse {
  struct PartitionData {
    int32_t partition_index = -1;
    int16_t error = 0;
    int32_t leader_id = -1;
    int32_t leader_epoch = -1;
    std::vector<int32_t> isr;
    int8_t leader_recovery_state = 0;
    int32_t partition_epoch = -1;
  };
  struct TopicData {
    proto::Uuid topic_id;
    std::string topic_name;
    std::vector<PartitionData> partitions;
  };
  int16_t error = 0;
  std::string message;  // for logs
  std::vector<TopicData> topics;
};

ControllerResult<AlterPartitionResponse> alter_partition(const metadata::Image& image,
                                                         const metadata::BrokerConfig& config,
                                                         const AlterPartitionRequest& request);

}  // namespace gregor::controller
