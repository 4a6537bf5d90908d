#include "model/batch_builder.h"

#include <gtest/gtest.h>

#include "model/record.h"

namespace gregor::model {
namespace {

ByteView bv(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }
Bytes by(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(BatchBuilder, RecordsRoundTripThroughEveryCodec) {
  for (int c = 0; c <= 4; ++c) {
    BatchBuilder b{Compression(c)};
    b.base_offset(10);
    b.add(bv("key"), bv("value"), 1000, {Header{"h1", by("v1")}, Header{"h2", std::nullopt}});
    b.add(std::nullopt, bv(""), 990);
    b.add(bv("k3"), std::nullopt, 1200);
    std::string big(100000, 'x');
    b.add(bv("big"), bv(big), 1100);
    auto bytes = b.build();
    ASSERT_TRUE(bytes.ok());
    ASSERT_TRUE(validate_batch(*bytes).ok()) << c;
    auto h = BatchHeader::parse(bytes->data());
    EXPECT_EQ(h.base_timestamp, 1000);
    EXPECT_EQ(h.max_timestamp, 1200);
    auto recs = decode_records(*bytes);
    ASSERT_TRUE(recs.ok()) << recs.error().message;
    ASSERT_EQ(recs->size(), 4u);
    EXPECT_EQ((*recs)[0], (Record{10, 1000, by("key"), by("value"), {Header{"h1", by("v1")}, Header{"h2", {}}}}));
    EXPECT_EQ((*recs)[1], (Record{11, 990, std::nullopt, by(""), {}}));
    EXPECT_EQ((*recs)[2], (Record{12, 1200, by("k3"), std::nullopt, {}}));
    EXPECT_EQ((*recs)[3].value, by(big));
    EXPECT_EQ((*recs)[3].offset, 13);
  }
}

TEST(BatchBuilder, ControlAndProducerFieldsAreSet) {
  BatchBuilder b;
  b.producer(77, 2, -1).transactional(true).control(true);
  Bytes key = {0, 0, 0, 1};  // control record key: version 0, type 1 (COMMIT)
  b.add(ByteView(key), ByteView(key), 5);
  auto bytes = b.build();
  ASSERT_TRUE(bytes.ok());
  auto h = BatchHeader::parse(bytes->data());
  EXPECT_TRUE(h.is_control());
  EXPECT_TRUE(h.is_transactional());
  EXPECT_EQ(h.producer_id, 77);
  EXPECT_EQ(h.producer_epoch, 2);
  EXPECT_TRUE(validate_batch(*bytes).ok());
}

TEST(BatchBuilder, DecompressionCapAppliesToDecoding) {
  BatchBuilder b(Compression::zstd);
  b.add(std::nullopt, ByteView(Bytes(4 << 20, 0)), 1);
  auto bytes = b.build();
  ASSERT_TRUE(bytes.ok());
  EXPECT_LT(bytes->size(), 10000u);
  EXPECT_FALSE(decode_records(*bytes, 1 << 20).ok());
  ValidateOptions opts;
  opts.max_decompressed = 1 << 20;
  EXPECT_FALSE(validate_batch(*bytes, opts).ok());
  EXPECT_TRUE(validate_batch(*bytes).ok());
}

}  // namespace
}  // namespace gregor::model
