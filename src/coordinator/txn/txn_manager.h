// TxnManager: the transaction coordinator's decisions for the transactional ids of one
// __transaction_state partition, as Kafka's TransactionCoordinator makes them for clients of
// transaction versions 0 and 1 (EndTxn up to v4). Pure and deterministic: time comes in as
// now_ms, and `committed` is the partition's high watermark. A decision that changes an id
// returns the metadata to persist (TxnWrite); the caller appends it to the partition and then
// calls install() with the offset after the record. Until the high watermark passes that
// offset the id is "pending": other requests for it get CONCURRENT_TRANSACTIONS, and the
// caller answers the request that wrote only once it is committed.
// Once a PrepareCommit/PrepareAbort is committed, ready_markers() hands out the marker work
// (WriteTxnMarkers to every partition of the transaction); markers_done() then writes the
// CompleteCommit/CompleteAbort.
// Thread-safety: none; owned by the shard that owns the partition.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "coordinator/txn/txn_metadata.h"
#include "model/error_code.h"

namespace gregor::txn {

using model::ErrorCode;

struct TxnConfig {
  int32_t max_timeout_ms = 900000;           // transaction.max.timeout.ms
  int64_t id_expiration_ms = 604800000;      // transactional.id.expiration.ms
};

// The metadata to persist for an id, or a tombstone (value nullopt).
struct TxnWrite {
  std::string transactional_id;
  std::optional<TxnMetadata> value;
};

struct Decision {
  ErrorCode error = ErrorCode::NONE;
  std::optional<TxnWrite> write;  // to append; the request is answered once it is committed
  int64_t producer_id = -1;       // InitProducerId's answer
  int16_t producer_epoch = -1;
  bool needs_producer_id = false;  // InitProducerId: call again with a fresh producer id
};

// Markers to write for a transaction whose Prepare record is committed.
struct MarkerJob {
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  bool commit = false;
  std::vector<TopicPartition> partitions;
};

class TxnManager {
 public:
  explicit TxnManager(TxnConfig config) : config_(config) {}

  // InitProducerId for a transactional id. expected_*: the producer's current id and epoch
  // (v3+, KIP-360; -1 when absent). fresh_id: a never-used producer id, needed when the id is
  // new or its epochs are exhausted (needs_producer_id otherwise).
  Decision init_producer_id(const std::string& id, int32_t timeout_ms, int64_t expected_id, int16_t expected_epoch,
                            std::optional<int64_t> fresh_id, int64_t now_ms, int64_t committed);
  // AddPartitionsToTxn / AddOffsetsToTxn: the same error for every partition.
  Decision add_partitions(const std::string& id, int64_t producer_id, int16_t epoch,
                          const std::vector<TopicPartition>& partitions, int64_t now_ms, int64_t committed);
  Decision end_txn(const std::string& id, int64_t producer_id, int16_t epoch, bool commit, int64_t now_ms,
                   int64_t committed);

  // Ongoing transactions past their timeout: each is fenced (epoch bump) and aborted.
  std::vector<TxnWrite> abort_timed_out(int64_t now_ms, int64_t committed);
  // Ids idle past transactional.id.expiration.ms with no transaction: tombstones.
  std::vector<TxnWrite> expire_ids(int64_t now_ms, int64_t committed);

  // Committed Prepare states whose markers are not in flight; marks them in flight.
  std::vector<MarkerJob> ready_markers(int64_t committed);
  // Every marker of the job is written: the Complete state to persist (nullopt when the id
  // moved on meanwhile, e.g. after a coordinator reload).
  std::optional<TxnWrite> markers_done(const MarkerJob& job, int64_t now_ms);
  // The markers of the job could not be written for now: ready_markers() hands it out again.
  void markers_failed(const MarkerJob& job);

  // Installs a persisted write (or a replayed record); next_offset: the offset after it.
  void install(const TxnWrite& write, int64_t next_offset);

  const TxnMetadata* find(const std::string& id) const;
  const std::map<std::string, TxnMetadata> all() const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    TxnMetadata meta;
    int64_t pending_until = -1;  // offset after the last write of this id
    bool markers_in_flight = false;
  };
  bool pending(const Entry& e, int64_t committed) const { return e.pending_until > committed; }
  // The id's entry when it belongs to producer_id at epoch and is not pending; else error is
  // INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED or CONCURRENT_TRANSACTIONS.
  const Entry* producer_entry(const std::string& id, int64_t producer_id, int16_t epoch, int64_t committed,
                              ErrorCode& error) const;
  // Ongoing -> PrepareAbort with a bumped epoch (fences the producer).
  TxnWrite fence_and_abort(const Entry& e, int64_t now_ms) const;

  TxnConfig config_;
  std::map<std::string, Entry> entries_;
  std::set<std::string> preparing_;  // the ids of entries_ in PrepareCommit or PrepareAbort
};

}  // namespace gregor::txn
