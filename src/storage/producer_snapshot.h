// Producer state snapshot files, "<offset, 20 digits>.snapshot" in a partition dir: the
// producer state as of that log offset, in Kafka's layout (version 1), big-endian:
//   version int16 (1), crc uint32 (CRC32C of every byte after this field),
//   entries: count int32, then per producer: producerId int64, epoch int16, lastSequence int32,
//            lastOffset int64, offsetDelta int32 (lastOffset - first offset of that batch),
//            timestamp int64, coordinatorEpoch int32, currentTxnFirstOffset int64 (-1 none).
// Only each producer's last batch is kept, as in Kafka: after a reload, duplicates of older
// batches are refused as out of sequence rather than answered with their offsets.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "storage/producer_state.h"

namespace gregor::storage {

inline constexpr std::string_view kSnapshotSuffix = ".snapshot";
inline constexpr int16_t kProducerSnapshotVersion = 1;

Bytes encode_producer_snapshot(const std::map<int64_t, ProducerEntry>& producers);
// CORRUPT_MESSAGE (with the reason) for a short, unknown-version or CRC-failing file.
Result<std::map<int64_t, ProducerEntry>> decode_producer_snapshot(ByteView data);

// Writes dir/<offset>.snapshot atomically.
Status write_producer_snapshot(const std::filesystem::path& dir, int64_t offset,
                               const std::map<int64_t, ProducerEntry>& producers);
Result<std::map<int64_t, ProducerEntry>> read_producer_snapshot(const std::filesystem::path& file);
// Offsets of the snapshot files in dir, ascending.
std::vector<int64_t> list_producer_snapshots(const std::filesystem::path& dir);
void remove_producer_snapshot(const std::filesystem::path& dir, int64_t offset);

}  // namespace gregor::storage
