// Prints Kafka's segment index files the way kafka-dump-log does:
//   .index      8-byte entries (relative offset int32, position int32)  -> "offset: N position: P"
//   .timeindex 12-byte entries (timestamp int64, relative offset int32) -> "timestamp: T offset: N"
//   .txnindex  34-byte entries (version int16, producerId, firstOffset, lastOffset,
//              lastStableOffset int64) -> "version: V producerId: P firstOffset: F lastOffset: L
//              lastStableOffset: S"
// Offsets are printed absolute (base_offset + relative). Like Kafka, the offset and time index
// dumps stop at the first entry after the first whose offset is the base offset (the zero-filled,
// preallocated tail of an active index). An empty offset index prints "<file> is empty."; a size
// that is not a multiple of the entry size ends with "Found N invalid bytes at the end of <name>".
// Thread-safety: free functions; the caller owns the stream.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>

#include "base/result.h"

namespace gregor::cli {

Status dump_offset_index(const std::filesystem::path& path, int64_t base_offset, std::ostream& out);
Status dump_time_index(const std::filesystem::path& path, int64_t base_offset, std::ostream& out);
Status dump_txn_index(const std::filesystem::path& path, std::ostream& out);

}  // namespace gregor::cli
