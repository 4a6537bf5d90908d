// Records inside a v2 batch: the per-record wire form, a zero-copy RecordView for walking
// records, and decode_records() which copies them out (decompressing when the batch is
// compressed) with absolute offsets and timestamps.
//
// Record layout: length varint, attributes int8, timestampDelta varlong, offsetDelta varint,
// keyLength varint (-1 = null), key, valueLength varint (-1 = null), value, headerCount varint,
// then per header: keyLength varint, key (UTF-8), valueLength varint (-1 = null), value.
// Thread-safety: pure functions over caller-owned bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "model/compression.h"
#include "model/record_batch.h"

namespace gregor::model {

struct Header {
  std::string key;
  std::optional<Bytes> value;
  bool operator==(const Header&) const = default;
};

struct Record {
  int64_t offset = 0;
  int64_t timestamp = -1;
  std::optional<Bytes> key;
  std::optional<Bytes> value;
  std::vector<Header> headers;
  bool operator==(const Record&) const = default;
};

// Views into the (decompressed) record bytes; valid while those bytes live.
struct HeaderView {
  ByteView key;
  std::optional<ByteView> value;
};
struct RecordView {
  int8_t attributes = 0;
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  std::optional<ByteView> key;
  std::optional<ByteView> value;
  std::vector<HeaderView> headers;
};

// Parses one record at *p (advancing *p past it). INVALID_RECORD on malformed input,
// including a length prefix that disagrees with the parsed fields.
Status parse_record(const uint8_t** p, const uint8_t* end, RecordView& out);

// The record bytes of a batch: the bytes after the header, decompressed if the codec says so.
// REQUIRES: batch is one whole batch that passed the structural checks (length, codec id).
Result<Bytes> batch_records_payload(ByteView batch, size_t max_decompressed = kDefaultDecompressCap);

// Calls fn for each of the batch's records, in order. Stops at the first error.
// Checks that exactly recordsCount records fill the payload.
Status for_each_record(ByteView batch, const std::function<Status(const RecordView&)>& fn,
                       size_t max_decompressed = kDefaultDecompressCap);

// Decodes every record of a batch with absolute offsets (baseOffset + offsetDelta) and
// timestamps (baseTimestamp + delta, or maxTimestamp for LogAppendTime batches).
Result<std::vector<Record>> decode_records(ByteView batch, size_t max_decompressed = kDefaultDecompressCap);

}  // namespace gregor::model
