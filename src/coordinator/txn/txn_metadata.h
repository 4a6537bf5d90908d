// TxnMetadata: what the transaction coordinator knows of one transactional id, as one
// __transaction_state record holds it: the producer id and epoch it hands out, the
// transaction timeout, the state of the current transaction and the partitions it touched.
// States and their byte values are Kafka's (TransactionState):
//   Empty(0) -> Ongoing(1) -> PrepareCommit(2) | PrepareAbort(3) -> CompleteCommit(4) |
//   CompleteAbort(5) -> Ongoing ...;  Dead(6) (expired), PrepareEpochFence(7) (transient).
// Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "coordinator/group/offset_store.h"

namespace gregor::txn {

using TopicPartition = group::TopicPartition;

enum class TxnState : int8_t {
  Empty = 0,
  Ongoing = 1,
  PrepareCommit = 2,
  PrepareAbort = 3,
  CompleteCommit = 4,
  CompleteAbort = 5,
  Dead = 6,
  PrepareEpochFence = 7,
};

// Kafka's names, as DescribeTransactions and ListTransactions report them.
std::string_view state_name(TxnState s);
// The state of a name (ListTransactions filters); false for an unknown name.
bool parse_state(std::string_view name, TxnState& out);
inline bool is_prepare(TxnState s) { return s == TxnState::PrepareCommit || s == TxnState::PrepareAbort; }
inline bool is_complete(TxnState s) { return s == TxnState::CompleteCommit || s == TxnState::CompleteAbort; }

struct TxnMetadata {
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int64_t last_producer_id = -1;    // in memory: the id before the last epoch exhaustion
  int16_t last_producer_epoch = -1;  // in memory: the epoch before the last bump
  int32_t timeout_ms = 60000;
  TxnState state = TxnState::Empty;
  std::set<TopicPartition> partitions;
  int64_t txn_start_ms = -1;    // when the current transaction began (Ongoing), else -1
  int64_t last_update_ms = -1;
  bool operator==(const TxnMetadata&) const = default;
};

}  // namespace gregor::txn
