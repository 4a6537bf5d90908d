// EpochEntry / end_offset_for: a replica's leader-epoch history as a plain sorted list of
// {epoch, start_offset} (the leader-epoch-checkpoint's content), and Kafka's
// LeaderEpochFileCache.endOffsetFor over it: for a requested epoch, the largest known epoch
// <= it and the offset where that epoch ended (the start of the next known epoch, or the log
// end offset for the latest epoch).
// Promises: pure functions of their arguments; never read clocks or files.
// Thread-safety: plain values and pure functions; callable from any thread.
// REQUIRES: entries are sorted with strictly increasing epochs and non-decreasing start offsets
// (as storage::LeaderEpochCache keeps them); checked with GREGOR_ASSERT.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace gregor::replication {

inline constexpr int32_t kUndefinedEpoch = -1;         // Kafka's UNDEFINED_EPOCH
inline constexpr int64_t kUndefinedEpochOffset = -1;   // Kafka's UNDEFINED_EPOCH_OFFSET

// One line of a leader-epoch-checkpoint: `epoch` began at `start_offset`.
// (Same shape as storage::EpochEntry; the broker copies between them so this module stays
// free of storage.)
struct EpochEntry {
  int32_t epoch = 0;
  int64_t start_offset = 0;
  bool operator==(const EpochEntry&) const = default;
};

// An (epoch, end offset) answer; {-1, -1} means undefined.
struct EpochEndOffset {
  int32_t epoch = kUndefinedEpoch;
  int64_t end_offset = kUndefinedEpochOffset;
  bool operator==(const EpochEndOffset&) const = default;
  bool undefined() const { return epoch == kUndefinedEpoch || end_offset == kUndefinedEpochOffset; }
};

// Kafka's LeaderEpochFileCache.endOffsetFor(requested_epoch, log_end_offset):
//  - requested_epoch == -1, or no entries, or requested_epoch > the latest epoch: {-1, -1};
//  - requested_epoch == the latest epoch: {requested_epoch, log_end_offset};
//  - requested_epoch < the first epoch: {requested_epoch, first entry's start offset} (the
//    data of older epochs was deleted; the caller replicates from the first known epoch);
//  - otherwise: {largest epoch <= requested, start offset of the next larger epoch}.
EpochEndOffset end_offset_for(std::span<const EpochEntry> entries, int32_t requested_epoch,
                              int64_t log_end_offset);

// The latest epoch in entries, or nullopt when empty.
std::optional<int32_t> latest_epoch(std::span<const EpochEntry> entries);

// GREGOR_ASSERTs the REQUIRES above (epochs strictly increasing, start offsets non-decreasing).
void assert_well_formed(std::span<const EpochEntry> entries);

}  // namespace gregor::replication
