// GroupPartition: the group coordinator of one __consumer_offsets partition. It wraps a
// GroupManager (the pure state machine) and makes its state durable: offset commits, group
// metadata (written when a group becomes Stable or Empty, as Kafka does), offset deletions
// and group deletions become records appended through `append` before the caller answers the
// client (write -> commit -> respond; with one replica the append is the commit). load()
// rebuilds the state from the partition's log, including transactional offset commits, which
// stay pending until their producer's end-txn marker.
// An offset commit whose records cannot be written is rolled back and answered with an error;
// a failed tombstone write is logged (the state is already gone, as in Kafka).
// Thread-safety: none; owned by the shard that owns the partition.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "coordinator/group/group_manager.h"
#include "model/record.h"
#include "storage/log.h"

namespace gregor::group {

// Appends one record batch to the partition's log (assigning offsets); an error if it cannot.
using AppendFn = std::function<Status(ByteView batch)>;

struct LoadStats {
  int64_t records = 0;
  int64_t skipped = 0;  // records of other coordinators' types or malformed (logged)
  size_t groups = 0;
  int64_t end_offset = 0;
};

class GroupPartition {
 public:
  GroupPartition(int32_t partition, GroupConfig config, AppendFn append, uint64_t member_id_seed);

  // Replays log from its start to its end. REQUIRES: called once, before any request.
  Result<LoadStats> load(const storage::Log& log, int64_t now_ms);

  std::optional<JoinResponse> join(const std::string& group_id, const JoinRequest& req, int64_t now_ms);
  std::optional<SyncResponse> sync(const std::string& group_id, const SyncRequest& req, int64_t now_ms);
  ErrorCode heartbeat(const std::string& group_id, const HeartbeatRequest& req, int64_t now_ms);
  LeaveResponse leave(const std::string& group_id, const std::vector<LeavingMember>& members, int64_t now_ms);
  std::vector<PartitionResult> commit_offsets(const OffsetCommitRequest& req, int64_t now_ms);
  // TxnOffsetCommit: the offsets are written in a transactional batch of the producer (its id
  // and epoch) and stay pending until the producer's marker reaches this partition.
  std::vector<PartitionResult> txn_commit_offsets(const TxnOffsetCommitRequest& req, int64_t now_ms);
  // The producer's end-txn marker was written to this partition: commit or drop its pending
  // offsets. Returns how many became committed.
  size_t complete_txn(int64_t producer_id, bool commit);
  OffsetDeleteResult delete_offsets(const std::string& group_id, const std::vector<TopicPartition>& partitions,
                                    int64_t now_ms);
  std::vector<ErrorCode> delete_groups(const std::vector<std::string>& group_ids, int64_t now_ms);
  // Group timers and offset retention, then persists what changed.
  void tick(int64_t now_ms);
  std::vector<Completion> take_completions() { return manager_.take_completions(); }

  const GroupManager& manager() const { return manager_; }
  int32_t partition() const { return partition_; }

 private:
  struct Record {
    Bytes key;
    std::optional<Bytes> value;
  };
  // producer: (id, epoch) for a transactional batch.
  Status write(const std::vector<Record>& records, int64_t now_ms,
               std::optional<std::pair<int64_t, int16_t>> producer = std::nullopt);
  // Replays one record; txn_producer >= 0 when it belongs to that producer's transaction.
  void load_record(const model::Record& r, int64_t txn_producer, LoadStats& stats);
  // Writes a GroupMetadata record for the group if its persisted state changed and it is
  // Stable or Empty.
  void persist_group(const std::string& group_id, int64_t now_ms);
  void persist_all(int64_t now_ms);
  void write_tombstones(const std::vector<Record>& records, int64_t now_ms);

  int32_t partition_;
  GroupManager manager_;
  AppendFn append_;
  std::map<std::string, uint64_t> written_version_;
};

// Kafka's mapping of an offsets-topic write failure to the error a committing client sees.
ErrorCode commit_write_error(int16_t storage_error);

}  // namespace gregor::group
