#include "controller/alter_partition.h"

#include <fmt/format.h>

#include <set>

#include "controller/partition_change.h"
#include "model/error_code.h"

namespace gregor::controller {

using metadata::LeaderRecoveryState;
using model::ErrorCode;

namespace {

ErrorCode ineligible_or_none(const metadata::Image& image, const std::vector<AlterPartitionRequest::BrokerState>& isr) {
  for (const auto& s : isr) {
    const metadata::BrokerInfo* b = image.find_broker(s.broker_id);
    if (!b || b->in_controlled_shutdown || b->fenced) return ErrorCode::INELIGIBLE_REPLICA;
    if (s.broker_epoch != -1 && b->registered() && b->epoch != s.broker_epoch) return ErrorCode::INELIGIBLE_REPLICA;
  }
  return ErrorCode::NONE;
}

ErrorCode validate(const metadata::Image& image, int32_t sender, const metadata::PartitionInfo* p,
                   const AlterPartitionRequest::PartitionData& d) {
  if (!p) return ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
  if (d.leader_epoch > p->leader_epoch || d.partition_epoch > p->partition_epoch) return ErrorCode::NOT_CONTROLLER;
  if (d.leader_epoch < p->leader_epoch) return ErrorCode::FENCED_LEADER_EPOCH;
  if (sender != p->leader) return ErrorCode::INVALID_REQUEST;
  if (d.partition_epoch < p->partition_epoch) return ErrorCode::INVALID_UPDATE_VERSION;
  std::set<int32_t> seen;
  for (const auto& s : d.new_isr)
    if (!contains(p->replicas, s.broker_id) || !seen.insert(s.broker_id).second) return ErrorCode::INVALID_REQUEST;
  if (!seen.count(p->leader)) return ErrorCode::INVALID_REQUEST;
  if (d.leader_recovery_state != 0 && d.leader_recovery_state != 1) return ErrorCode::INVALID_REQUEST;
  auto wanted = LeaderRecoveryState(d.leader_recovery_state);
  if (wanted == LeaderRecoveryState::kRecovering && d.new_isr.size() > 1) return ErrorCode::INVALID_REQUEST;
  if (p->leader_recovery_state == LeaderRecoveryState::kRecovered && wanted == LeaderRecoveryState::kRecovering)
    return ErrorCode::INVALID_REQUEST;
  return ineligible_or_none(image, d.new_isr);
}

}  // namespace

ControllerResult<AlterPartitionResponse> alter_partition(const metadata::Image& image,
                                                         const metadata::BrokerConfig& config,
                                                         const AlterPartitionRequest& req) {
  ControllerResult<AlterPartitionResponse> result;
  auto& resp = result.response;
  const metadata::BrokerInfo* sender = image.find_broker(req.broker_id);
  if (!sender || !sender->registered() || sender->epoch != req.broker_epoch) {
    resp.error = int16_t(ErrorCode::STALE_BROKER_EPOCH);
    resp.message = sender && sender->registered()
                       ? fmt::format("Expected broker epoch {}, but got broker epoch {}", sender->epoch, req.broker_epoch)
                       : fmt::format("No broker registration found for broker id {}", req.broker_id);
    return result;
  }
  for (const auto& td : req.topics) {
    auto& out_topic = resp.topics.emplace_back();
    out_topic.topic_id = td.topic_id;
    out_topic.topic_name = td.topic_name;
    const metadata::TopicInfo* topic = req.version >= 2 ? image.find_topic(td.topic_id) : image.find_topic(td.topic_name);
    if (!topic) {
      auto code = req.version >= 2 ? ErrorCode::UNKNOWN_TOPIC_ID : ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
      for (const auto& d : td.partitions) {
        auto& op = out_topic.partitions.emplace_back();
        op.partition_index = d.partition_index;
        op.error = int16_t(code);
      }
      continue;
    }
    const bool unclean = unclean_election_enabled(config, *topic);
    for (const auto& d : td.partitions) {
      auto& op = out_topic.partitions.emplace_back();
      op.partition_index = d.partition_index;
      const metadata::PartitionInfo* p = d.partition_index >= 0 && size_t(d.partition_index) < topic->partitions.size()
                                             ? &topic->partitions[size_t(d.partition_index)]
                                             : nullptr;
      if (ErrorCode e = validate(image, req.broker_id, p, d); e != ErrorCode::NONE) {
        op.error = int16_t(e);
        continue;
      }
      std::vector<int32_t> isr;
      for (const auto& s : d.new_isr) isr.push_back(s.broker_id);
      PartitionChangeBuilder builder(*p, topic->id, d.partition_index,
                                     [&](int32_t r) { return image.is_active_broker(r); });
      builder.set_target_isr(std::move(isr));
      builder.set_target_leader_recovery_state(LeaderRecoveryState(d.leader_recovery_state));
      if (unclean) builder.set_election(Election::kUnclean);
      metadata::PartitionInfo after = *p;
      if (auto rec = builder.build()) {
        metadata::merge_partition_change(after, *rec);
        const bool leader_moved = rec->leader != metadata::kNoLeaderChange && rec->leader != req.broker_id;
        result.records.push_back(std::move(*rec));
        if (leader_moved) {
          op.error = int16_t(req.version > 1 ? ErrorCode::NEW_LEADER_ELECTED : ErrorCode::FENCED_LEADER_EPOCH);
          continue;
        }
      }
      op.leader_id = after.leader;
      op.leader_epoch = after.leader_epoch;
      op.isr = after.isr;
      op.leader_recovery_state = int8_t(after.leader_recovery_state);
      op.partition_epoch = after.partition_epoch;
    }
  }
  return result;
}

}  // namespace gregor::controller
