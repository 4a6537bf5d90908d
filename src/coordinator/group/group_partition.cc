#include "coordinator/group/group_partition.h"

#include <fmt/format.h>

#include "base/log.h"
#include "model/batch_builder.h"
#include "model/batch_iterator.h"
#include "model/control_record.h"
#include "model/record.h"
#include "storage/log_scan.h"

namespace gregor::group {

ErrorCode commit_write_error(int16_t storage_error) {
  switch (ErrorCode(storage_error)) {
    case ErrorCode::UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode::NOT_ENOUGH_REPLICAS:
    case ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode::REQUEST_TIMED_OUT:
      return ErrorCode::COORDINATOR_NOT_AVAILABLE;
    case ErrorCode::NOT_LEADER_OR_FOLLOWER:
    case ErrorCode::KAFKA_STORAGE_ERROR:
      return ErrorCode::NOT_COORDINATOR;
    case ErrorCode::MESSAGE_TOO_LARGE:
    case ErrorCode::RECORD_LIST_TOO_LARGE:
    case ErrorCode::INVALID_FETCH_SIZE:
      return ErrorCode::INVALID_COMMIT_OFFSET_SIZE;
    default:
      return ErrorCode::UNKNOWN_SERVER_ERROR;
  }
}

GroupPartition::GroupPartition(int32_t partition, GroupConfig config, AppendFn append, uint64_t member_id_seed)
    : partition_(partition), manager_(config, member_id_seed), append_(std::move(append)) {}

void GroupPartition::load_record(const model::Record& r, int64_t txn_producer, LoadStats& stats) {
    ++stats.records;
    if (!r.key) {
      ++stats.skipped;
      return;
    }
    auto key = decode_key(*r.key);
    if (!key.ok()) {
      GLOG_WARN("__consumer_offsets-{}: offset {}: {}", partition_, r.offset, key.error().message);
      ++stats.skipped;
      return;
    }
    if (auto* ok = std::get_if<OffsetKey>(&*key)) {
      if (txn_producer >= 0) {
        // Part of a transaction: pending until its marker.
        if (!r.value) return;
        auto value = decode_offset_value(*r.value);
        if (!value.ok()) {
          GLOG_WARN("__consumer_offsets-{}: offset {}: {}", partition_, r.offset, value.error().message);
          ++stats.skipped;
          return;
        }
        manager_.pending_txn_offsets().put(txn_producer, ok->group_id, ok->tp, std::move(*value));
        return;
      }
      if (!r.value) {
        manager_.load_offset(ok->group_id, ok->tp, std::nullopt);
        return;
      }
      auto value = decode_offset_value(*r.value);
      if (!value.ok()) {
        GLOG_WARN("__consumer_offsets-{}: offset {}: {}", partition_, r.offset, value.error().message);
        ++stats.skipped;
        return;
      }
      manager_.load_offset(ok->group_id, ok->tp, std::move(*value));
    } else if (auto* gk = std::get_if<GroupKey>(&*key)) {
      if (!r.value) {
        manager_.load_group(gk->group_id, std::nullopt);
        return;
      }
      auto value = decode_group_value(*r.value);
      if (!value.ok()) {
        GLOG_WARN("__consumer_offsets-{}: offset {}: {}", partition_, r.offset, value.error().message);
        ++stats.skipped;
        return;
      }
      manager_.load_group(gk->group_id, std::move(*value));
    } else {
      ++stats.skipped;  // KIP-848 / share group records: not ours
    }
}

Result<LoadStats> GroupPartition::load(const storage::Log& log, int64_t now_ms) {
  LoadStats stats;
  const int64_t end = log.log_end_offset();
  auto scanned = storage::scan_log(log, [&](const model::BatchRef& batch) -> Status {
    const auto& h = batch.header;
    if (h.is_control()) {
      // A transaction marker decides the producer's pending offsets.
      auto marker = model::parse_end_txn_marker(batch.bytes);
      if (marker.ok() && *marker) manager_.complete_txn(h.producer_id, (*marker)->commit, true);
      return Status::OK();
    }
    const int64_t txn_producer = h.is_transactional() ? h.producer_id : -1;
    auto records = model::decode_records(batch.bytes);
    if (!records.ok()) {
      GLOG_WARN("__consumer_offsets-{}: skipping batch at offset {}: {}", partition_, batch.header.base_offset,
                records.error().message);
      ++stats.skipped;
      return Status::OK();
    }
    for (const auto& r : *records) load_record(r, txn_producer, stats);
    return Status::OK();
  });
  if (!scanned.ok()) return scanned.error();
  auto groups = manager_.finish_load(now_ms);
  for (const auto& id : groups) {
    if (const Group* g = manager_.find(id)) written_version_[id] = g->persisted_version();
  }
  stats.groups = groups.size();
  stats.end_offset = end;
  return stats;
}

Status GroupPartition::write(const std::vector<Record>& records, int64_t now_ms,
                             std::optional<std::pair<int64_t, int16_t>> producer) {
  if (records.empty()) return Status::OK();
  model::BatchBuilder b;
  if (producer) b.producer(producer->first, producer->second, 0).transactional(true);
  for (const auto& r : records) {
    std::optional<ByteView> value;
    if (r.value) value = ByteView(*r.value);
    b.add(std::optional<ByteView>(ByteView(r.key)), value, now_ms);
  }
  auto batch = b.build();
  if (!batch.ok()) return batch.error();
  return append_(*batch);
}

void GroupPartition::write_tombstones(const std::vector<Record>& records, int64_t now_ms) {
  if (auto s = write(records, now_ms); !s.ok())
    GLOG_ERROR("__consumer_offsets-{}: writing {} tombstone(s) failed: {}", partition_, records.size(),
               s.error().message);
}

void GroupPartition::persist_group(const std::string& group_id, int64_t now_ms) {
  const Group* g = manager_.find(group_id);
  if (!g) return;
  auto state = g->state();
  if (state != GroupState::kStable && state != GroupState::kEmpty) return;
  auto it = written_version_.find(group_id);
  if (it != written_version_.end() && it->second == g->persisted_version()) return;
  // A simple group (offsets only, never joined) has nothing to record.
  if (it == written_version_.end() && !g->protocol_type() && g->generation_id() == 0) {
    written_version_[group_id] = g->persisted_version();
    return;
  }
  std::vector<Record> rec{{encode_group_key(group_id), encode_group_value(GroupManager::to_metadata(*g))}};
  if (auto s = write(rec, now_ms); !s.ok()) {
    GLOG_ERROR("__consumer_offsets-{}: writing metadata of group {} failed: {}", partition_, group_id,
               s.error().message);
    return;  // retried on the next tick
  }
  written_version_[group_id] = g->persisted_version();
}

void GroupPartition::persist_all(int64_t now_ms) {
  for (const auto& id : manager_.group_ids()) persist_group(id, now_ms);
}

std::optional<JoinResponse> GroupPartition::join(const std::string& group_id, const JoinRequest& req, int64_t now_ms) {
  auto r = manager_.join(group_id, req, now_ms);
  persist_group(group_id, now_ms);
  return r;
}

std::optional<SyncResponse> GroupPartition::sync(const std::string& group_id, const SyncRequest& req, int64_t now_ms) {
  auto r = manager_.sync(group_id, req, now_ms);
  persist_group(group_id, now_ms);
  return r;
}

ErrorCode GroupPartition::heartbeat(const std::string& group_id, const HeartbeatRequest& req, int64_t now_ms) {
  return manager_.heartbeat(group_id, req, now_ms);
}

LeaveResponse GroupPartition::leave(const std::string& group_id, const std::vector<LeavingMember>& members,
                                    int64_t now_ms) {
  auto r = manager_.leave(group_id, members, now_ms);
  persist_group(group_id, now_ms);
  return r;
}

std::vector<PartitionResult> GroupPartition::txn_commit_offsets(const TxnOffsetCommitRequest& req, int64_t now_ms) {
  auto results = manager_.txn_commit_offsets(req, now_ms);
  std::vector<Record> records;
  for (size_t i = 0; i < results.size(); ++i) {  // results are in request order
    if (results[i].error != ErrorCode::NONE) continue;
    const auto& p = req.partitions[i];
    CommittedOffset c{p.offset, p.leader_epoch, p.metadata, now_ms, std::nullopt};
    records.push_back({encode_offset_key(req.group_id, p.tp), encode_offset_value(c)});
  }
  if (auto s = write(records, now_ms, std::make_pair(req.producer_id, req.producer_epoch)); !s.ok()) {
    // A stale epoch is the producer's problem (INVALID_PRODUCER_EPOCH); the rest are Kafka's
    // coordinator write errors.
    ErrorCode e = s.error().code == int16_t(ErrorCode::INVALID_PRODUCER_EPOCH) ? ErrorCode::INVALID_PRODUCER_EPOCH
                                                                               : commit_write_error(s.error().code);
    GLOG_WARN("__consumer_offsets-{}: transactional offset commit of group {} (producer {}) not written ({}): {}",
              partition_, req.group_id, req.producer_id, model::error_name(e), s.error().message);
    for (auto& r : results) {
      if (r.error != ErrorCode::NONE) continue;
      manager_.pending_txn_offsets().erase(req.producer_id, req.group_id, r.tp);
      r.error = e;
    }
  }
  return results;
}

size_t GroupPartition::complete_txn(int64_t producer_id, bool commit) { return manager_.complete_txn(producer_id, commit); }

std::vector<PartitionResult> GroupPartition::commit_offsets(const OffsetCommitRequest& req, int64_t now_ms) {
  std::vector<std::optional<CommittedOffset>> before;
  before.reserve(req.partitions.size());
  for (const auto& p : req.partitions) {
    const CommittedOffset* c = manager_.offsets().get(req.group_id, p.tp);
    before.push_back(c ? std::optional<CommittedOffset>(*c) : std::nullopt);
  }
  auto results = manager_.commit_offsets(req, now_ms);
  std::vector<Record> records;
  for (const auto& r : results) {
    if (r.error != ErrorCode::NONE) continue;
    const CommittedOffset* c = manager_.offsets().get(req.group_id, r.tp);
    if (c) records.push_back({encode_offset_key(req.group_id, r.tp), encode_offset_value(*c)});
  }
  if (auto s = write(records, now_ms); !s.ok()) {
    ErrorCode e = commit_write_error(s.error().code);
    GLOG_WARN("__consumer_offsets-{}: offset commit of group {} not written ({}): {}", partition_, req.group_id,
              model::error_name(e), s.error().message);
    for (size_t i = 0; i < results.size(); ++i) {
      if (results[i].error != ErrorCode::NONE) continue;
      manager_.restore_offset(req.group_id, results[i].tp, before[i]);
      results[i].error = e;
    }
  }
  return results;
}

OffsetDeleteResult GroupPartition::delete_offsets(const std::string& group_id,
                                                  const std::vector<TopicPartition>& partitions, int64_t now_ms) {
  std::vector<bool> had;
  for (const auto& tp : partitions) had.push_back(manager_.offsets().get(group_id, tp) != nullptr);
  auto r = manager_.delete_offsets(group_id, partitions);
  std::vector<Record> tombstones;
  for (size_t i = 0; i < r.partitions.size() && i < had.size(); ++i) {
    if (r.partitions[i].error == ErrorCode::NONE && had[i])
      tombstones.push_back({encode_offset_key(group_id, r.partitions[i].tp), std::nullopt});
  }
  write_tombstones(tombstones, now_ms);
  return r;
}

std::vector<ErrorCode> GroupPartition::delete_groups(const std::vector<std::string>& group_ids, int64_t now_ms) {
  std::map<std::string, std::vector<TopicPartition>> offsets;
  for (const auto& id : group_ids) {
    for (const auto& [tp, c] : manager_.offsets().all(id)) offsets[id].push_back(tp);
  }
  auto errors = manager_.delete_groups(group_ids, now_ms);
  std::vector<Record> tombstones;
  for (size_t i = 0; i < errors.size(); ++i) {
    if (errors[i] != ErrorCode::NONE) continue;
    const auto& id = group_ids[i];
    for (const auto& tp : offsets[id]) tombstones.push_back({encode_offset_key(id, tp), std::nullopt});
    tombstones.push_back({encode_group_key(id), std::nullopt});
    written_version_.erase(id);
  }
  write_tombstones(tombstones, now_ms);
  return errors;
}

void GroupPartition::tick(int64_t now_ms) {
  auto deleted = manager_.tick(now_ms);
  std::vector<Record> tombstones;
  for (const auto& [id, tp] : manager_.take_expired_offsets())
    tombstones.push_back({encode_offset_key(id, tp), std::nullopt});
  for (const auto& id : deleted) {
    tombstones.push_back({encode_group_key(id), std::nullopt});
    written_version_.erase(id);
  }
  if (!tombstones.empty()) {
    GLOG_INFO("__consumer_offsets-{}: retention removed {} offset(s) and {} group(s)", partition_,
              tombstones.size() - deleted.size(), deleted.size());
    write_tombstones(tombstones, now_ms);
  }
  persist_all(now_ms);
}

}  // namespace gregor::group
