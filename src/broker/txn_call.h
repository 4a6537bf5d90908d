// call_txn: runs one transaction-coordinator decision fn(TxnPartition&, now_ms, committed) on
// the shard that owns the transactional id's __transaction_state partition, and, when the
// decision wrote a record, waits until that record is committed (every ISR member has it)
// before the caller answers, as Kafka's coordinator does. A write that does not commit in
// time answers COORDINATOR_NOT_AVAILABLE (NOT_COORDINATOR when the leadership moved); the
// record stays in the log and the id stays pending until it commits.
// Thread-safety: handlers call it on their connection's shard.
#pragma once

#include <asio/awaitable.hpp>

#include <utility>

#include "base/clock.h"
#include "broker/broker.h"
#include "broker/commit_wait.h"
#include "coordinator/txn/txn_partition.h"

namespace gregor::broker {

inline constexpr int64_t kTxnWriteTimeoutMs = 30000;  // Kafka's request.timeout.ms default

// REQUIRES: fn outlives the call. `where` by value (see call_group).
template <class F>
asio::awaitable<txn::TxnAnswer> call_txn(Broker& broker, Broker::GroupLocation where, F& fn) {
  txn::TxnAnswer answer;
  if (where.error != 0) {
    answer.decision.error = model::ErrorCode(where.error);
    co_return answer;
  }
  F* fp = &fn;
  const int32_t partition = where.partition;
  answer = co_await broker.shards().invoke_on(where.shard, [&broker, fp, partition]() -> txn::TxnAnswer {
    auto& st = broker.local();
    auto it = st.txns.find(partition);
    Partition* p = st.find("__transaction_state", partition);
    if (it == st.txns.end() || !p || !p->is_leader()) {
      txn::TxnAnswer a;
      a.decision.error = model::ErrorCode::NOT_COORDINATOR;
      return a;
    }
    txn::TxnAnswer a = (*fp)(*it->second.partition, wall_ms(), p->high_watermark());
    if (a.wait_for <= p->high_watermark()) {
      a.wait_for = -1;
      broker.dispatch_txn_markers(partition);  // an EndTxn's markers go now, not at the next tick
    }
    return a;
  });
  if (answer.wait_for < 0) co_return answer;
  int16_t state = co_await await_committed(broker, where.shard, "__transaction_state", partition, answer.wait_for,
                                           kTxnWriteTimeoutMs);
  if (state != 0) {
    answer.decision.error = model::ErrorCode(coordinator_write_error(state));
    answer.decision.producer_id = -1;
    answer.decision.producer_epoch = -1;
  } else {
    broker.shards().post(where.shard, [&broker, partition] { broker.dispatch_txn_markers(partition); });
  }
  co_return answer;
}

// Kafka's answer to clients that predate PRODUCER_FENCED (KIP-588): INVALID_PRODUCER_EPOCH.
inline int16_t fenced_for_version(model::ErrorCode e, int16_t version, int16_t first_version_with_fenced) {
  if (e == model::ErrorCode::PRODUCER_FENCED && version < first_version_with_fenced)
    return int16_t(model::ErrorCode::INVALID_PRODUCER_EPOCH);
  return int16_t(e);
}

}  // namespace gregor::broker
