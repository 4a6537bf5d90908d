// The transaction index: the aborted transactions of a partition, for read_committed fetches
// (which return the aborted transactions overlapping the fetched range so the consumer can
// drop their records). On disk, Kafka's "<base offset, 20 digits>.txnindex" beside each
// segment, holding the transactions whose abort marker lies in that segment, as 34-byte
// big-endian entries: version int16 (0), producerId int64, firstOffset int64, lastOffset
// int64 (the marker's offset), lastStableOffset int64 (the LSO just after the abort).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace gregor::storage {

inline constexpr std::string_view kTxnIndexSuffix = ".txnindex";
inline constexpr size_t kTxnIndexEntryBytes = 34;

struct AbortedTxn {
  int64_t producer_id = -1;
  int64_t first_offset = -1;
  int64_t last_offset = -1;
  int64_t last_stable_offset = -1;
  bool operator==(const AbortedTxn&) const = default;
};

Bytes encode_txn_index(const std::vector<AbortedTxn>& entries);
// Whole entries only: a torn last entry (after a crash) is dropped; an unknown version or a
// first offset after the last is CORRUPT_MESSAGE.
Result<std::vector<AbortedTxn>> decode_txn_index(ByteView data);

// Reads dir/<base>.txnindex; a missing file holds no entries.
Result<std::vector<AbortedTxn>> read_txn_index(const std::filesystem::path& dir, int64_t base_offset);
// Replaces dir/<base>.txnindex with entries (removes it when there are none).
Status write_txn_index(const std::filesystem::path& dir, int64_t base_offset, const std::vector<AbortedTxn>& entries);
// Appends one entry to dir/<base>.txnindex (creating it), without fsync.
Status append_txn_index(const std::filesystem::path& dir, int64_t base_offset, const AbortedTxn& entry);

}  // namespace gregor::storage
