// Kafka record batch v2 (magic 2): the 61-byte header, whole-batch validation, and in-place
// setters for the fields the broker rewrites on append.
//
// Layout (big-endian):          offset size
//   baseOffset            int64      0   8
//   batchLength           int32      8   4   bytes after this field (total size = batchLength + 12)
//   partitionLeaderEpoch  int32     12   4
//   magic                 int8      16   1   = 2
//   crc                   uint32    17   4   CRC32C of bytes [21, end)
//   attributes            int16     21   2   bits 0-2 codec, 3 timestamp type (1 = LogAppendTime),
//                                              4 transactional, 5 control, 6 delete horizon set
//   lastOffsetDelta       int32     23   4
//   baseTimestamp         int64     27   8
//   maxTimestamp          int64     35   8
//   producerId            int64     43   8
//   producerEpoch         int16     51   2
//   baseSequence          int32     53   4
//   recordsCount          int32     57   4
//   records...                      61       (compressed as a whole when codec != none)
// baseOffset and partitionLeaderEpoch lie outside the CRC, so the broker can set them
// without recomputing it.
// Thread-safety: pure functions over caller-owned bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/bytes.h"
#include "base/result.h"
#include "model/compression.h"

namespace gregor::model {

inline constexpr size_t kBatchHeaderSize = 61;
inline constexpr size_t kLogOverhead = 12;          // baseOffset + batchLength
inline constexpr int32_t kMinBatchLength = 49;       // kBatchHeaderSize - kLogOverhead
inline constexpr int8_t kMagicV2 = 2;

namespace batch_field {
inline constexpr size_t base_offset = 0, batch_length = 8, partition_leader_epoch = 12, magic = 16, crc = 17,
                        attributes = 21, last_offset_delta = 23, base_timestamp = 27, max_timestamp = 35,
                        producer_id = 43, producer_epoch = 51, base_sequence = 53, records_count = 57;
}

namespace batch_attr {
inline constexpr int16_t codec_mask = 0x07, log_append_time = 0x08, transactional = 0x10, control = 0x20,
                         delete_horizon = 0x40;
}

enum class TimestampType : int8_t { create_time = 0, log_append_time = 1 };

inline constexpr int64_t kNoProducerId = -1;
inline constexpr int16_t kNoProducerEpoch = -1;
inline constexpr int32_t kNoSequence = -1;
inline constexpr int32_t kNoPartitionLeaderEpoch = -1;

struct BatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  int32_t partition_leader_epoch = kNoPartitionLeaderEpoch;
  int8_t magic = kMagicV2;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = -1;
  int64_t max_timestamp = -1;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t base_sequence = kNoSequence;
  int32_t records_count = 0;

  // REQUIRES: p points at kBatchHeaderSize readable bytes. No validation.
  static BatchHeader parse(const uint8_t* p);

  // Total bytes of the batch on disk / on the wire. REQUIRES: batch_length >= 0.
  size_t size_bytes() const { return size_t(batch_length) + kLogOverhead; }
  // Wraps (as Java's long does) instead of overflowing on a hostile or corrupt baseOffset; a
  // result below base_offset means the batch's offsets do not fit in int64.
  int64_t last_offset() const { return int64_t(uint64_t(base_offset) + uint64_t(int64_t(last_offset_delta))); }
  int codec_id() const { return attributes & batch_attr::codec_mask; }
  Compression compression() const { return Compression(codec_id() <= 4 ? codec_id() : 0); }
  TimestampType timestamp_type() const {
    return (attributes & batch_attr::log_append_time) ? TimestampType::log_append_time : TimestampType::create_time;
  }
  bool is_transactional() const { return attributes & batch_attr::transactional; }
  bool is_control() const { return attributes & batch_attr::control; }
  bool has_delete_horizon() const { return attributes & batch_attr::delete_horizon; }
};

struct ValidateOptions {
  // Also walk every record (decompressing if needed): record structure, count, offset deltas.
  bool check_records = true;
  size_t max_decompressed = kDefaultDecompressCap;
};

// What a record walk learns about a batch (filled only when opts.check_records).
struct BatchStats {
  int64_t max_timestamp = -1;  // largest record timestamp (baseTimestamp + delta), -1 if none
  int64_t min_timestamp = -1;  // smallest record timestamp, -1 if none
};

// Validates one whole batch; batch.size() must equal its batchLength + 12.
// Errors (Kafka codes): CORRUPT_MESSAGE for a bad length, magic other than 2, CRC mismatch or
// undecodable compressed data; UNSUPPORTED_COMPRESSION_TYPE for codec 5-7; INVALID_RECORD for
// malformed records, a recordsCount that disagrees with the records or lastOffsetDelta,
// offset deltas out of sequence, or an empty batch.
// If stats is given (and opts.check_records), it receives the record timestamps' range, from the
// same walk.
Status validate_batch(ByteView batch, const ValidateOptions& opts = {}, BatchStats* stats = nullptr);

// The CRC32C the batch should carry. REQUIRES: batch.size() >= kBatchHeaderSize.
uint32_t compute_batch_crc(ByteView batch);

// In-place setters. REQUIRES: batch spans one whole batch (>= kBatchHeaderSize bytes).
void set_base_offset(std::span<uint8_t> batch, int64_t base_offset);
void set_partition_leader_epoch(std::span<uint8_t> batch, int32_t epoch);
// Sets the timestamp type bit and maxTimestamp, then recomputes the CRC.
void set_max_timestamp(std::span<uint8_t> batch, TimestampType type, int64_t max_timestamp);
// Recomputes and stores the CRC.
void reseal_crc(std::span<uint8_t> batch);

}  // namespace gregor::model
