// Prints a .log segment the way kafka-dump-log (DumpLogSegments) does: one line per batch
//   baseOffset: 0 lastOffset: 2 count: 3 baseSequence: -1 lastSequence: -1 producerId: -1
//   producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false isControl: false
//   deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1700000000000 size: 100
//   magic: 2 compresscodec: none crc: 123 isvalid: true
// (all on one line), and with deep iteration one line per record
//   | offset: 0 CreateTime: 1700000000000 keySize: 1 valueSize: 5 sequence: -1 headerKeys: [a]
// followed, with print_data_log, by " key: K payload: V" (control records instead show
// " endTxnMarker: COMMIT coordinatorEpoch: N"). Batch parsing, CRC and decompression are
// model's; isvalid is Kafka's notion (magic 2 and the CRC matches). A torn or corrupt tail
// ends the dump with "Found N invalid bytes at the end of <name>"; undecodable records print
// "| invalid records: <reason>" and the dump goes on with the next batch.
// Reads the file in chunks of 8 MiB (more only for a larger batch).
// Thread-safety: free function; the caller owns the streams.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <vector>

#include "base/result.h"

namespace gregor::cli {

struct SegmentDumpOptions {
  bool deep_iteration = false;   // Print each record.
  bool print_data_log = false;   // Also print keys and values (implies deep iteration).
  bool skip_record_metadata = false;
};

// A place where deep iteration saw offset `next` right after `previous` (next != previous + 1).
struct OffsetGap {
  int64_t previous = 0;
  int64_t next = 0;
  bool operator==(const OffsetGap&) const = default;
};

// Dumps the batches of the segment at path to out (the "Dumping" and "Log starting offset"
// lines are the caller's). Errors: the file cannot be opened or read.
Result<std::vector<OffsetGap>> dump_segment(const std::filesystem::path& path, const SegmentDumpOptions& opts,
                                            std::ostream& out);

// Kafka's string form of a key or value: the bytes as text, with control characters and
// bytes that are not valid UTF-8 written as \xNN.
std::string printable_bytes(const uint8_t* data, size_t size);

}  // namespace gregor::cli
