#include "model/record_batch.h"

#include <algorithm>
#include <limits>
#include <string>

#include "model/crc32c.h"
#include "model/error_code.h"
#include "model/record.h"

namespace gregor::model {

BatchHeader BatchHeader::parse(const uint8_t* p) {
  namespace f = batch_field;
  BatchHeader h;
  h.base_offset = int64_t(load_be64(p + f::base_offset));
  h.batch_length = int32_t(load_be32(p + f::batch_length));
  h.partition_leader_epoch = int32_t(load_be32(p + f::partition_leader_epoch));
  h.magic = int8_t(p[f::magic]);
  h.crc = load_be32(p + f::crc);
  h.attributes = int16_t(load_be16(p + f::attributes));
  h.last_offset_delta = int32_t(load_be32(p + f::last_offset_delta));
  h.base_timestamp = int64_t(load_be64(p + f::base_timestamp));
  h.max_timestamp = int64_t(load_be64(p + f::max_timestamp));
  h.producer_id = int64_t(load_be64(p + f::producer_id));
  h.producer_epoch = int16_t(load_be16(p + f::producer_epoch));
  h.base_sequence = int32_t(load_be32(p + f::base_sequence));
  h.records_count = int32_t(load_be32(p + f::records_count));
  return h;
}

uint32_t compute_batch_crc(ByteView batch) {
  GREGOR_ASSERT(batch.size() >= kBatchHeaderSize);
  return crc32c(batch.subspan(batch_field::attributes));
}

Status validate_batch(ByteView batch, const ValidateOptions& opts, BatchStats* stats) {
  if (batch.size() < kBatchHeaderSize)
    return make_error(ErrorCode::CORRUPT_MESSAGE, "batch shorter than the 61-byte header");
  BatchHeader h = BatchHeader::parse(batch.data());
  if (h.batch_length < kMinBatchLength || h.size_bytes() != batch.size())
    return make_error(ErrorCode::CORRUPT_MESSAGE, "batch length " + std::to_string(h.batch_length) +
                                                      " disagrees with " + std::to_string(batch.size()) + " bytes");
  if (h.magic != kMagicV2)
    return make_error(ErrorCode::CORRUPT_MESSAGE, "unsupported magic " + std::to_string(h.magic));
  if (uint32_t crc = compute_batch_crc(batch); crc != h.crc)
    return make_error(ErrorCode::CORRUPT_MESSAGE, "batch CRC mismatch");
  if (h.codec_id() > 4)
    return make_error(ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, "compression codec " + std::to_string(h.codec_id()));
  if (h.last_offset_delta < 0 || h.records_count < 0)
    return make_error(ErrorCode::INVALID_RECORD, "negative lastOffsetDelta or recordsCount");
  if (!opts.check_records) return Status::OK();

  if (h.records_count == 0) return make_error(ErrorCode::INVALID_RECORD, "batch holds no records");
  if (int64_t(h.records_count) != int64_t(h.last_offset_delta) + 1)
    return make_error(ErrorCode::INVALID_RECORD, "recordsCount " + std::to_string(h.records_count) +
                                                     " disagrees with lastOffsetDelta " +
                                                     std::to_string(h.last_offset_delta));
  int32_t expected_delta = 0;
  int64_t max_ts = std::numeric_limits<int64_t>::min(), min_ts = std::numeric_limits<int64_t>::max();
  auto st = for_each_record(
      batch,
      [&](const RecordView& r) -> Status {
        if (r.offset_delta != expected_delta)
          return make_error(ErrorCode::INVALID_RECORD, "record offset delta " + std::to_string(r.offset_delta) +
                                                           " where " + std::to_string(expected_delta) + " expected");
        ++expected_delta;
        // Wraps as Java's long does on a hostile delta rather than overflowing.
        int64_t ts = int64_t(uint64_t(h.base_timestamp) + uint64_t(r.timestamp_delta));
        max_ts = std::max(max_ts, ts);
        min_ts = std::min(min_ts, ts);
        return Status::OK();
      },
      opts.max_decompressed);
  if (st.ok() && stats) {
    stats->max_timestamp = std::max<int64_t>(max_ts, -1);
    stats->min_timestamp = min_ts;
  }
  return st;
}

void set_base_offset(std::span<uint8_t> batch, int64_t base_offset) {
  GREGOR_ASSERT(batch.size() >= kBatchHeaderSize);
  store_be64(batch.data() + batch_field::base_offset, uint64_t(base_offset));
}

void set_partition_leader_epoch(std::span<uint8_t> batch, int32_t epoch) {
  GREGOR_ASSERT(batch.size() >= kBatchHeaderSize);
  store_be32(batch.data() + batch_field::partition_leader_epoch, uint32_t(epoch));
}

void reseal_crc(std::span<uint8_t> batch) {
  store_be32(batch.data() + batch_field::crc, compute_batch_crc(ByteView(batch.data(), batch.size())));
}

void set_max_timestamp(std::span<uint8_t> batch, TimestampType type, int64_t max_timestamp) {
  GREGOR_ASSERT(batch.size() >= kBatchHeaderSize);
  uint16_t attrs = load_be16(batch.data() + batch_field::attributes);
  if (type == TimestampType::log_append_time)
    attrs |= uint16_t(batch_attr::log_append_time);
  else
    attrs &= uint16_t(~batch_attr::log_append_time);
  store_be16(batch.data() + batch_field::attributes, attrs);
  store_be64(batch.data() + batch_field::max_timestamp, uint64_t(max_timestamp));
  reseal_crc(batch);
}

}  // namespace gregor::model
