// The records of __transaction_state, in Kafka's formats (TransactionLogKey/Value), so a log
// written here reads in Kafka's tools and the reverse:
//   key:   version int16 (0), transactionalId string
//   value: version int16, then v0: producerId int64, producerEpoch int16, transactionTimeoutMs
//          int32, transactionStatus int8, transactionPartitions (nullable array of {topic
//          string, partitionIds []int32}), lastUpdateTimestampMs int64, startTimestampMs
//          int64; v1 is the same in the flexible encoding (compact lengths, tagged fields).
// A null value is a tombstone (the transactional id expired). We write v0, as Kafka 4.x does
// for clients of transaction versions 0 and 1.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "coordinator/txn/txn_metadata.h"

namespace gregor::txn {

Bytes encode_txn_key(const std::string& transactional_id);
Bytes encode_txn_value(const TxnMetadata& m);
// CORRUPT_MESSAGE for malformed or unknown versions.
Result<std::string> decode_txn_key(ByteView key);
// transactional_id is not in the value: the caller sets it from the key.
Result<TxnMetadata> decode_txn_value(ByteView value);

// The __transaction_state partition of transactional_id: Kafka's
// abs(transactionalId.hashCode()) % partitions.
int32_t partition_for_txn(const std::string& transactional_id, int32_t partitions);

}  // namespace gregor::txn
