#include "coordinator/txn/txn_partition.h"

#include "base/log.h"
#include "coordinator/txn/txn_records.h"
#include "model/batch_builder.h"
#include "model/record.h"
#include "storage/log_scan.h"

namespace gregor::txn {

TxnPartition::TxnPartition(int32_t partition, TxnConfig config, AppendFn append)
    : partition_(partition), manager_(config), append_(std::move(append)) {}

Result<TxnLoadStats> TxnPartition::load(const storage::Log& log) {
  TxnLoadStats stats;
  auto st = storage::scan_log(log, [&](const model::BatchRef& batch) -> Status {
    if (batch.header.is_control()) return Status::OK();
    auto records = model::decode_records(batch.bytes);
    if (!records.ok()) {
      GLOG_WARN("__transaction_state-{}: skipping batch at offset {}: {}", partition_, batch.header.base_offset,
                records.error().message);
      ++stats.skipped;
      return Status::OK();
    }
    for (const auto& r : *records) {
      ++stats.records;
      auto id = r.key ? decode_txn_key(*r.key) : Result<std::string>(make_error(2, "record without a key"));
      if (!id.ok()) {
        GLOG_WARN("__transaction_state-{}: offset {}: {}", partition_, r.offset, id.error().message);
        ++stats.skipped;
        continue;
      }
      TxnWrite w{*id, std::nullopt};
      if (r.value) {
        auto value = decode_txn_value(*r.value);
        if (!value.ok()) {
          GLOG_WARN("__transaction_state-{}: offset {}: {}", partition_, r.offset, value.error().message);
          ++stats.skipped;
          continue;
        }
        w.value = std::move(*value);
        w.value->transactional_id = *id;
      }
      manager_.install(w, r.offset + 1);
    }
    return Status::OK();
  });
  if (!st.ok()) return st.error();
  stats.transactional_ids = manager_.size();
  return stats;
}

Result<int64_t> TxnPartition::persist(const std::vector<TxnWrite>& writes, int64_t now_ms) {
  model::BatchBuilder b;
  std::vector<std::pair<Bytes, std::optional<Bytes>>> kv;
  for (const auto& w : writes)
    kv.emplace_back(encode_txn_key(w.transactional_id),
                    w.value ? std::optional<Bytes>(encode_txn_value(*w.value)) : std::nullopt);
  for (const auto& [k, v] : kv) {
    std::optional<ByteView> value;
    if (v) value = ByteView(*v);
    b.add(std::optional<ByteView>(ByteView(k)), value, now_ms);
  }
  auto batch = b.build();
  if (!batch.ok()) return batch.error();
  auto end = append_(*batch);
  if (!end.ok()) return end.error();
  for (const auto& w : writes) manager_.install(w, *end);
  return *end;
}

TxnAnswer TxnPartition::decide(Decision d, int64_t now_ms) {
  TxnAnswer a;
  if (d.write) {
    auto end = persist({*d.write}, now_ms);
    if (!end.ok()) {
      d.error = end.error().code == int16_t(ErrorCode::NOT_LEADER_OR_FOLLOWER) ? ErrorCode::NOT_COORDINATOR
                                                                                : ErrorCode::COORDINATOR_NOT_AVAILABLE;
      d.write.reset();
      d.producer_id = -1;
      d.producer_epoch = -1;
    } else {
      a.wait_for = *end;
    }
  }
  a.decision = std::move(d);
  return a;
}

TxnAnswer TxnPartition::init_producer_id(const std::string& id, int32_t timeout_ms, int64_t expected_id,
                                         int16_t expected_epoch, std::optional<int64_t> fresh_id, int64_t now_ms,
                                         int64_t committed) {
  return decide(manager_.init_producer_id(id, timeout_ms, expected_id, expected_epoch, fresh_id, now_ms, committed),
                now_ms);
}

TxnAnswer TxnPartition::add_partitions(const std::string& id, int64_t producer_id, int16_t epoch,
                                       const std::vector<TopicPartition>& partitions, int64_t now_ms,
                                       int64_t committed) {
  return decide(manager_.add_partitions(id, producer_id, epoch, partitions, now_ms, committed), now_ms);
}

TxnAnswer TxnPartition::end_txn(const std::string& id, int64_t producer_id, int16_t epoch, bool commit,
                                int64_t now_ms, int64_t committed) {
  return decide(manager_.end_txn(id, producer_id, epoch, commit, now_ms, committed), now_ms);
}

size_t TxnPartition::tick(int64_t now_ms, int64_t committed) {
  auto writes = manager_.abort_timed_out(now_ms, committed);
  for (const auto& w : writes)
    GLOG_INFO("__transaction_state-{}: aborting transaction of {} (producer {}) after its timeout of {} ms", partition_,
              w.transactional_id, w.value->producer_id, w.value->timeout_ms);
  auto expired = manager_.expire_ids(now_ms, committed);
  writes.insert(writes.end(), expired.begin(), expired.end());
  if (writes.empty()) return 0;
  if (auto end = persist(writes, now_ms); !end.ok())
    GLOG_WARN("__transaction_state-{}: cannot write {} timeout/expiry record(s): {}", partition_, writes.size(),
              end.error().message);
  return writes.size();
}

void TxnPartition::markers_done(const MarkerJob& job, int64_t now_ms) {
  auto w = manager_.markers_done(job, now_ms);
  if (!w) return;
  if (auto end = persist({*w}, now_ms); !end.ok()) {
    GLOG_WARN("__transaction_state-{}: cannot complete the transaction of {}: {}", partition_, job.transactional_id,
              end.error().message);
    manager_.markers_failed(job);
  }
}

}  // namespace gregor::txn
