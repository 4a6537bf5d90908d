// ProducerStateManager: the idempotence and transaction state of one partition, per producer
// id: its epoch, the sequence ranges and offsets of its last 5 batches (to answer a retried
// batch with its original offset), the coordinator epoch of its last marker and the first
// offset of its open transaction. From those it keeps the partition's open transactions and
// the completed ones whose markers are not yet below the high watermark, which bound the last
// stable offset (LSO): read_committed consumers read only below it.
//
// An append is validated first and applied after the write: stage() checks each batch of the
// append (epochs for every origin; sequences only for client batches) against the state as the
// earlier batches of the same append left it, collecting the changes in an Update; apply()
// installs them once the batches are on disk.
//
// Snapshots: "<offset, 20 digits>.snapshot" files in the partition dir hold each producer's
// entry with its last batch, in Kafka's format (see producer_snapshot.h); the Log takes one at
// every segment roll and at close, and rebuilds the state on open from the newest snapshot
// at or below its end, then its batches after that.
// Thread-safety: owned by the Log's shard; not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "base/result.h"
#include "model/control_record.h"
#include "model/record_batch.h"

namespace gregor::storage {

// Who appends: a producer through Produce (sequences checked), the broker's coordinators
// (their own transactional batches and the markers; no sequences), or a follower copying the
// leader's log (already validated there; nothing is refused).
enum class AppendOrigin { client, coordinator, replication };

inline constexpr size_t kProducerBatchesRetained = 5;

struct ProducerBatch {
  int32_t first_seq = -1;
  int32_t last_seq = -1;
  int64_t first_offset = -1;
  int64_t last_offset = -1;
  int64_t timestamp = -1;  // the batch's max timestamp
  bool operator==(const ProducerBatch&) const = default;
};

struct ProducerEntry {
  int64_t producer_id = -1;
  int16_t epoch = model::kNoProducerEpoch;
  std::deque<ProducerBatch> batches;  // oldest first, at most kProducerBatchesRetained
  int32_t coordinator_epoch = -1;
  int64_t current_txn_first_offset = -1;  // -1: no open transaction on this partition
  int64_t last_timestamp = -1;            // of the newest batch or marker

  int32_t last_seq() const { return batches.empty() ? model::kNoSequence : batches.back().last_seq; }
  int64_t last_offset() const { return batches.empty() ? -1 : batches.back().last_offset; }
  bool operator==(const ProducerEntry&) const = default;
};

// A transaction that ended on this partition: its data lies in [first_offset, last_offset),
// its marker at last_offset.
struct CompletedTxn {
  int64_t producer_id = -1;
  int64_t first_offset = -1;
  int64_t last_offset = -1;
  bool aborted = false;
  bool operator==(const CompletedTxn&) const = default;
};

class ProducerStateManager {
 public:
  // The changes of one append, as stage() collects them.
  struct Update {
    std::map<int64_t, ProducerEntry> entries;  // producer id -> entry after the append
    std::vector<std::pair<int64_t, int64_t>> started;  // (first offset, producer id) of new transactions
    std::vector<CompletedTxn> completed;
  };

  // The original offsets of a client batch that repeats one of the producer's retained
  // batches (same epoch and sequence range), if any.
  std::optional<ProducerBatch> find_duplicate(const model::BatchHeader& h) const;

  // Validates batch h (with its final offsets) and records its effect in u. marker: the end-txn
  // marker of a control batch (nullopt for other control types, which change nothing).
  // Errors: INVALID_PRODUCER_EPOCH (an older epoch; client and coordinator origins),
  // OUT_OF_ORDER_SEQUENCE_NUMBER (client origin: a sequence that does not follow the last),
  // INVALID_TXN_STATE (a non-transactional batch while the producer has an open transaction),
  // TRANSACTION_COORDINATOR_FENCED (a marker from an older coordinator).
  Status stage(Update& u, const model::BatchHeader& h, AppendOrigin origin,
               const std::optional<model::EndTxnMarker>& marker = std::nullopt) const;
  // Installs u once its batches are written. Completed transactions stay unstable until the
  // high watermark passes their marker. Returns each completed transaction with the LSO to
  // record for it in the transaction index (last_stable_offset_after).
  std::vector<std::pair<CompletedTxn, int64_t>> apply(Update&& u);

  // The first offset no read_committed consumer may read yet (an open transaction, or one
  // whose marker is not yet committed), if any.
  std::optional<int64_t> first_unstable_offset() const;
  // The high watermark moved: transactions whose markers are below it are stable.
  void on_high_watermark(int64_t hw);
  // The LSO to record with a completed transaction in the transaction index: the first
  // offset of another producer's open transaction, else the offset after the marker.
  int64_t last_stable_offset_after(const CompletedTxn& txn) const;

  // Removes producers idle for expiration_ms (by their last batch's timestamp) that have no
  // open transaction; how many.
  size_t remove_expired(int64_t now_ms, int64_t expiration_ms);

  // Replaces the whole state (snapshot load); entries with an open transaction reopen it.
  void reset(std::map<int64_t, ProducerEntry> entries);
  void clear() { reset({}); }

  const std::map<int64_t, ProducerEntry>& producers() const { return producers_; }
  const ProducerEntry* find(int64_t producer_id) const;
  // Open transactions: first offset -> producer id.
  const std::map<int64_t, int64_t>& open_transactions() const { return ongoing_; }

 private:
  const ProducerEntry& current(const Update& u, int64_t producer_id) const;

  std::map<int64_t, ProducerEntry> producers_;
  std::map<int64_t, int64_t> ongoing_;               // first offset -> producer id
  std::map<int64_t, CompletedTxn> unreplicated_;     // first offset -> txn, marker >= HW
};

}  // namespace gregor::storage
