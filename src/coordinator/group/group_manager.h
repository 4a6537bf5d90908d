// GroupManager: every classic group and committed offset of one __consumer_offsets partition
// (or, until partitioning lands, of the node). It routes the group APIs to their Group, creates
// groups on first join or first simple commit, validates offset commits against the group, and
// runs offset retention. Pure and deterministic like Group: time comes in as now_ms.
// Parked JoinGroup/SyncGroup responses come out of take_completions().
// Thread-safety: none; owned by one shard.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coordinator/group/group.h"
#include "coordinator/group/offset_store.h"
#include "coordinator/group/records.h"
#include "coordinator/group/txn_offsets.h"

namespace gregor::group {

struct OffsetCommitPartition {
  TopicPartition tp;
  int64_t offset = 0;
  int32_t leader_epoch = -1;
  std::string metadata;
};

struct OffsetCommitRequest {
  std::string group_id;
  int32_t generation_id = -1;  // -1 with member_id "" : a simple (non-member) commit
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::optional<int64_t> retention_ms;  // v2-v4 retention_time_ms when not -1
  int16_t api_version = 9;              // v9+: GROUP_ID_NOT_FOUND for a missing group
  std::vector<OffsetCommitPartition> partitions;
};

// TxnOffsetCommit: offsets committed as part of a producer's transaction.
struct TxnOffsetCommitRequest {
  std::string group_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t generation_id = -1;  // v3+; -1, "" and nullopt before
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<OffsetCommitPartition> partitions;
};

struct PartitionResult {
  TopicPartition tp;
  ErrorCode error = ErrorCode::NONE;
  bool operator==(const PartitionResult&) const = default;
};

struct FetchedOffset {
  TopicPartition tp;
  int64_t offset = -1;  // -1: nothing committed
  int32_t leader_epoch = -1;
  std::string metadata;
  ErrorCode error = ErrorCode::NONE;
};

struct OffsetDeleteResult {
  ErrorCode error = ErrorCode::NONE;  // group-level
  std::vector<PartitionResult> partitions;
};

struct GroupListing {
  std::string group_id;
  std::string protocol_type;
  std::string state;
  bool operator==(const GroupListing&) const = default;
};

class GroupManager {
 public:
  explicit GroupManager(GroupConfig config, uint64_t member_id_seed = 0);

  // A join with member id "" creates the group; a known member id of a missing group is
  // UNKNOWN_MEMBER_ID. Sync and heartbeat of a missing group are UNKNOWN_MEMBER_ID; leave
  // answers UNKNOWN_MEMBER_ID per member.
  std::optional<JoinResponse> join(const std::string& group_id, const JoinRequest& req, int64_t now_ms);
  std::optional<SyncResponse> sync(const std::string& group_id, const SyncRequest& req, int64_t now_ms);
  ErrorCode heartbeat(const std::string& group_id, const HeartbeatRequest& req, int64_t now_ms);
  LeaveResponse leave(const std::string& group_id, const std::vector<LeavingMember>& members, int64_t now_ms);

  std::vector<PartitionResult> commit_offsets(const OffsetCommitRequest& req, int64_t now_ms);
  // TxnOffsetCommit: checks the group as Kafka does (a missing group is created when the
  // request names no generation; named members must exist with the current generation; no
  // REBALANCE_IN_PROGRESS) and keeps the offsets pending for the producer until its marker.
  std::vector<PartitionResult> txn_commit_offsets(const TxnOffsetCommitRequest& req, int64_t now_ms);
  // The producer's transaction ended on this partition: its pending offsets become committed
  // (commit) or are dropped (abort). Returns how many were committed. loading: replaying the log.
  size_t complete_txn(int64_t producer_id, bool commit, bool loading = false);
  PendingTxnOffsets& pending_txn_offsets() { return pending_txn_; }
  const PendingTxnOffsets& pending_txn_offsets() const { return pending_txn_; }
  // Offsets for `partitions`, or every committed offset of the group when nullopt. With
  // require_stable, a partition with a pending transactional offset answers
  // UNSTABLE_OFFSET_COMMIT (and offset -1) instead.
  std::vector<FetchedOffset> fetch_offsets(const std::string& group_id,
                                           const std::optional<std::vector<TopicPartition>>& partitions,
                                           bool require_stable = false) const;
  OffsetDeleteResult delete_offsets(const std::string& group_id, const std::vector<TopicPartition>& partitions);
  // DeleteGroups: NONE, GROUP_ID_NOT_FOUND or NON_EMPTY_GROUP per group, in request order.
  std::vector<ErrorCode> delete_groups(const std::vector<std::string>& group_ids, int64_t now_ms);

  // A missing group describes as Dead with no members, as Kafka does.
  GroupDescription describe(const std::string& group_id) const;
  // Groups whose state matches one of `states` (case-insensitive); all when empty. By id.
  std::vector<GroupListing> list(const std::vector<std::string>& states) const;

  // Runs group timers, and offset retention once per offsets.retention.check.interval.ms
  // (the first tick runs it); returns the groups deleted by retention.
  std::vector<std::string> tick(int64_t now_ms);
  // Offset retention now: expired offsets are removed, then every Empty group left without
  // offsets is deleted (Kafka's cleanupGroupMetadata). Returns the deleted groups.
  std::vector<std::string> expire_offsets(int64_t now_ms);
  std::vector<Completion> take_completions();
  // Offsets removed by retention since the last call (the caller writes their tombstones).
  std::vector<std::pair<std::string, TopicPartition>> take_expired_offsets();

  // --- Loading from __consumer_offsets, in log order; finish_load() builds the groups. ---
  void load_offset(const std::string& group_id, const TopicPartition& tp, std::optional<CommittedOffset> offset);
  void load_group(const std::string& group_id, std::optional<GroupMetadata> metadata);
  // Creates every loaded group (Stable with its members, or Empty); groups that only have
  // offsets become simple groups (Empty, no protocol type), as Kafka does. Returns their ids.
  std::vector<std::string> finish_load(int64_t now_ms);

  // The GroupMetadata record for g's current state (members' metadata for the chosen protocol).
  static GroupMetadata to_metadata(const Group& g);
  // Every group, by id.
  std::vector<std::string> group_ids() const;
  // Puts back the offset that was committed before a failed write (nullopt: none was).
  void restore_offset(const std::string& group_id, const TopicPartition& tp, const std::optional<CommittedOffset>& c);

  Group* find(const std::string& group_id);
  const Group* find(const std::string& group_id) const;
  const OffsetStore& offsets() const { return offsets_; }
  const GroupConfig& config() const { return config_; }

 private:
  Group& create(const std::string& group_id, int64_t now_ms);
  void drain(Group& g);

  GroupConfig config_;
  uint64_t seed_;
  std::map<std::string, std::unique_ptr<Group>> groups_;
  OffsetStore offsets_;
  PendingTxnOffsets pending_txn_;
  std::vector<Completion> outbox_;
  std::vector<std::pair<std::string, TopicPartition>> expired_offsets_;
  std::map<std::string, std::optional<GroupMetadata>> loading_groups_;
  int64_t next_expiry_check_ms_ = 0;
};

}  // namespace gregor::group
