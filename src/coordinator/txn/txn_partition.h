// TxnPartition: the transaction coordinator of one __transaction_state partition. It wraps a
// TxnManager (the decisions) and makes them durable: every change of a transactional id
// becomes a TransactionLog record appended through `append` before the request that caused
// it is answered (the caller waits until the partition's high watermark passes the returned
// offset). load() rebuilds the state from the partition's log (up to its end: the leader's
// log is the truth its followers converge to).
// A write that cannot be appended changes nothing and answers NOT_COORDINATOR (the broker no
// longer leads the partition) or COORDINATOR_NOT_AVAILABLE.
// Thread-safety: none; owned by the shard that owns the partition.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "coordinator/txn/txn_manager.h"
#include "storage/log.h"

namespace gregor::txn {

// Appends one record batch to the partition; the log end offset after it, or an error.
using AppendFn = std::function<Result<int64_t>(ByteView batch)>;

struct TxnLoadStats {
  int64_t records = 0;
  int64_t skipped = 0;
  size_t transactional_ids = 0;
};

// A decision and, when it wrote, the offset the high watermark must pass before answering.
struct TxnAnswer {
  Decision decision;
  int64_t wait_for = -1;
};

class TxnPartition {
 public:
  TxnPartition(int32_t partition, TxnConfig config, AppendFn append);

  // Replays log. REQUIRES: called once, before any request.
  Result<TxnLoadStats> load(const storage::Log& log);

  TxnAnswer init_producer_id(const std::string& id, int32_t timeout_ms, int64_t expected_id, int16_t expected_epoch,
                             std::optional<int64_t> fresh_id, int64_t now_ms, int64_t committed);
  TxnAnswer add_partitions(const std::string& id, int64_t producer_id, int16_t epoch,
                           const std::vector<TopicPartition>& partitions, int64_t now_ms, int64_t committed);
  TxnAnswer end_txn(const std::string& id, int64_t producer_id, int16_t epoch, bool commit, int64_t now_ms,
                    int64_t committed);
  // Timed-out transactions are aborted and expired ids removed (persisted); how many writes.
  size_t tick(int64_t now_ms, int64_t committed);
  std::vector<MarkerJob> ready_markers(int64_t committed) { return manager_.ready_markers(committed); }
  // Persists the Complete state after the job's markers are written.
  void markers_done(const MarkerJob& job, int64_t now_ms);
  void markers_failed(const MarkerJob& job) { manager_.markers_failed(job); }

  const TxnManager& manager() const { return manager_; }
  int32_t partition() const { return partition_; }

 private:
  // Appends and installs writes; the offset after them, or the error.
  Result<int64_t> persist(const std::vector<TxnWrite>& writes, int64_t now_ms);
  TxnAnswer decide(Decision d, int64_t now_ms);

  int32_t partition_;
  TxnManager manager_;
  AppendFn append_;
};

}  // namespace gregor::txn
