#include "model/record_batch.h"

#include <gtest/gtest.h>

#include "model/batch_builder.h"
#include "model/batch_iterator.h"
#include "model/crc32c.h"
#include "model/error_code.h"
#include "model/record.h"

namespace gregor::model {
namespace {

Bytes make_batch(Compression c = Compression::none, int n = 3, int64_t ts = 1000) {
  BatchBuilder b(c);
  for (int i = 0; i < n; ++i) b.add(std::string_view("k" + std::to_string(i)), std::string_view("value"), ts + i);
  auto r = b.build();
  GREGOR_ASSERT(r.ok());
  return *r;
}

int16_t code_of(const Status& s) { return s.ok() ? 0 : s.error().code; }

TEST(RecordBatch, HeaderParsesTheBuilderFields) {
  BatchBuilder b(Compression::lz4);
  b.base_offset(42).partition_leader_epoch(7).producer(1234, 5, 99).transactional(true);
  b.add(std::string_view("a"), std::string_view("b"), 500).add(std::nullopt, std::string_view("c"), 400);
  auto bytes = b.build();
  ASSERT_TRUE(bytes.ok());
  auto h = BatchHeader::parse(bytes->data());
  EXPECT_EQ(h.base_offset, 42);
  EXPECT_EQ(h.size_bytes(), bytes->size());
  EXPECT_EQ(h.partition_leader_epoch, 7);
  EXPECT_EQ(h.magic, 2);
  EXPECT_EQ(h.compression(), Compression::lz4);
  EXPECT_TRUE(h.is_transactional());
  EXPECT_FALSE(h.is_control());
  EXPECT_EQ(h.last_offset_delta, 1);
  EXPECT_EQ(h.last_offset(), 43);
  EXPECT_EQ(h.base_timestamp, 500);
  EXPECT_EQ(h.max_timestamp, 500);
  EXPECT_EQ(h.producer_id, 1234);
  EXPECT_EQ(h.producer_epoch, 5);
  EXPECT_EQ(h.base_sequence, 99);
  EXPECT_EQ(h.records_count, 2);
  EXPECT_EQ(h.crc, crc32c(ByteView(*bytes).subspan(21)));
}

TEST(RecordBatch, ValidBatchesOfEveryCodecPass) {
  for (int c = 0; c <= 4; ++c) EXPECT_TRUE(validate_batch(make_batch(Compression(c))).ok()) << c;
}

TEST(RecordBatch, FlippedBitIsCorruptMessage) {
  Bytes b = make_batch();
  for (size_t i = 21; i < b.size(); i += 5) {
    Bytes c = b;
    c[i] ^= 0x10;
    EXPECT_EQ(code_of(validate_batch(c)), to_int(ErrorCode::CORRUPT_MESSAGE)) << i;
  }
}

TEST(RecordBatch, BadLengthOrMagicIsCorruptMessage) {
  Bytes b = make_batch();
  Bytes shorter(b.begin(), b.end() - 1);
  EXPECT_EQ(code_of(validate_batch(shorter)), to_int(ErrorCode::CORRUPT_MESSAGE));
  Bytes magic = b;
  magic[16] = 1;
  EXPECT_EQ(code_of(validate_batch(magic)), to_int(ErrorCode::CORRUPT_MESSAGE));
  Bytes tiny(b.begin(), b.begin() + 30);
  EXPECT_EQ(code_of(validate_batch(tiny)), to_int(ErrorCode::CORRUPT_MESSAGE));
  Bytes len = b;
  store_be32(len.data() + 8, 10);
  EXPECT_EQ(code_of(validate_batch(len)), to_int(ErrorCode::CORRUPT_MESSAGE));
}

TEST(RecordBatch, CodecSixIsUnsupportedCompression) {
  Bytes b = make_batch();
  store_be16(b.data() + 21, 6);
  reseal_crc(b);
  EXPECT_EQ(code_of(validate_batch(b)), to_int(ErrorCode::UNSUPPORTED_COMPRESSION_TYPE));
}

TEST(RecordBatch, RecordCountDisagreeingWithLastOffsetDeltaIsInvalidRecord) {
  Bytes b = make_batch(Compression::none, 3);
  store_be32(b.data() + 23, 5);
  reseal_crc(b);
  EXPECT_EQ(code_of(validate_batch(b)), to_int(ErrorCode::INVALID_RECORD));
  Bytes c = make_batch(Compression::none, 3);
  store_be32(c.data() + 57, 2);
  store_be32(c.data() + 23, 1);
  reseal_crc(c);
  EXPECT_EQ(code_of(validate_batch(c)), to_int(ErrorCode::INVALID_RECORD));  // bytes left over
  ValidateOptions shallow;
  shallow.check_records = false;
  EXPECT_TRUE(validate_batch(c, shallow).ok());
}

TEST(RecordBatch, MalformedRecordInsideIsInvalidRecord) {
  Bytes b = make_batch(Compression::none, 1);
  b[61] = 0x7f;  // record length varint far past the end
  reseal_crc(b);
  EXPECT_EQ(code_of(validate_batch(b)), to_int(ErrorCode::INVALID_RECORD));
}

TEST(RecordBatch, CompressedGarbageIsCorruptMessage) {
  Bytes b = make_batch(Compression::zstd, 5);
  for (size_t i = 70; i < b.size(); ++i) b[i] ^= 0x5a;
  reseal_crc(b);
  EXPECT_EQ(code_of(validate_batch(b)), to_int(ErrorCode::CORRUPT_MESSAGE));
}

TEST(RecordBatch, SettersRewriteFieldsAndKeepTheBatchValid) {
  Bytes b = make_batch(Compression::gzip, 4, 100);
  set_base_offset(b, 1000);
  set_partition_leader_epoch(b, 3);
  EXPECT_TRUE(validate_batch(b).ok());  // both outside the CRC
  set_max_timestamp(b, TimestampType::log_append_time, 9999);
  EXPECT_TRUE(validate_batch(b).ok());
  auto h = BatchHeader::parse(b.data());
  EXPECT_EQ(h.base_offset, 1000);
  EXPECT_EQ(h.partition_leader_epoch, 3);
  EXPECT_EQ(h.timestamp_type(), TimestampType::log_append_time);
  EXPECT_EQ(h.max_timestamp, 9999);
  auto recs = decode_records(b);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ((*recs)[i].offset, 1000 + i);
    EXPECT_EQ((*recs)[i].timestamp, 9999);  // LogAppendTime overrides record timestamps
  }
}

TEST(BatchIterator, WalksBatchesAndStopsCleanlyAtAPartialTail) {
  Bytes all;
  for (int i = 0; i < 3; ++i) {
    Bytes b = make_batch(Compression::none, i + 1);
    all.insert(all.end(), b.begin(), b.end());
  }
  size_t whole = all.size();
  BatchIterator it(all);
  int n = 0;
  while (auto b = it.next()) {
    EXPECT_EQ(b->header.records_count, n + 1);
    ++n;
  }
  EXPECT_EQ(n, 3);
  EXPECT_EQ(it.stop(), BatchIterator::Stop::clean_end);
  for (size_t cut = whole - 70; cut < whole; cut += 7) {
    BatchIterator p(ByteView(all.data(), cut));
    int m = 0;
    while (p.next()) ++m;
    EXPECT_EQ(m, 2);
    EXPECT_EQ(p.stop(), BatchIterator::Stop::partial);
  }
  Bytes bad = all;
  size_t second = BatchHeader::parse(all.data()).size_bytes();
  store_be32(bad.data() + second + 8, 3);
  BatchIterator q(bad);
  int k = 0;
  while (q.next()) ++k;
  EXPECT_EQ(k, 1);
  EXPECT_EQ(q.stop(), BatchIterator::Stop::bad_length);
  EXPECT_EQ(q.position(), second);
}

}  // namespace
}  // namespace gregor::model
