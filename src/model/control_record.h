// Control records: the records of control batches (attribute bit 5). A transaction marker
// (end-txn marker) ends a producer's transaction on one partition:
//   key:   version int16 (0), type int16 (0 = ABORT, 1 = COMMIT)
//   value: version int16 (0), coordinatorEpoch int32
// A marker batch holds exactly one such record, uncompressed, with the producer's id and
// epoch, base sequence -1, and the transactional and control attribute bits set. Other
// control types (KRaft's leader change, snapshot header/footer, ...) are not markers.
// Thread-safety: pure functions over caller-owned bytes.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"

namespace gregor::model {

inline constexpr int16_t kControlTypeAbort = 0, kControlTypeCommit = 1;

struct EndTxnMarker {
  bool commit = false;
  int32_t coordinator_epoch = 0;
  bool operator==(const EndTxnMarker&) const = default;
};

// The marker of a control batch; nullopt when the batch is a control batch of another type.
// INVALID_RECORD when it is not a control batch or its first record is malformed.
// REQUIRES: batch is one whole batch that passed model::validate_batch's framing checks.
Result<std::optional<EndTxnMarker>> parse_end_txn_marker(ByteView batch);

// A marker batch at base offset 0 (the log assigns the real one).
Bytes build_end_txn_marker(int64_t producer_id, int16_t producer_epoch, const EndTxnMarker& marker,
                           int64_t timestamp_ms);

}  // namespace gregor::model
