// Reader: bounds checks, sticky errors, and inputs crafted to make a decoder allocate a lot.
#include "protocol/reader.h"

#include <gtest/gtest.h>

#include <chrono>

#include "protocol/generated/messages.h"

namespace gregor::proto {
namespace {

Reader reader_of(Bytes b) { return Reader{SharedSlice(std::move(b))}; }

TEST(Reader, ReadsBigEndianPrimitives) {
  Reader r = reader_of({0x01, 0xff, 0xfe, 0x00, 0x00, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 7});
  EXPECT_TRUE(r.boolean());
  EXPECT_EQ(r.int16(), -2);
  EXPECT_EQ(r.int32(), 256);
  EXPECT_EQ(r.int64(), 7);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.at_end());
}

TEST(Reader, ErrorIsStickyAndReadsReturnZero) {
  Reader r = reader_of({0x00, 0x05});
  EXPECT_EQ(r.int32(), 0);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.int8(), 0);
  EXPECT_EQ(r.string(false), "");
  EXPECT_FALSE(r.ok());
}

TEST(Reader, StringLengthBeyondBufferFails) {
  Reader r = reader_of({0x7f, 0xff, 'a', 'b', 'c'});
  r.string(false);
  EXPECT_FALSE(r.ok());
}

TEST(Reader, NegativeLengthOtherThanMinusOneFails) {
  Reader r = reader_of({0xff, 0xfe});
  r.nullable_string(false);
  EXPECT_FALSE(r.ok());
  Reader r2 = reader_of({0xff, 0xff, 0xff, 0xfe});
  r2.nullable_bytes(false);
  EXPECT_FALSE(r2.ok());
}

TEST(Reader, NullInNonNullableFieldFails) {
  Reader r = reader_of({0xff, 0xff});
  r.string(false);
  EXPECT_FALSE(r.ok());
  Reader r2 = reader_of({0xff, 0xff});
  EXPECT_EQ(r2.nullable_string(false), std::nullopt);
  EXPECT_TRUE(r2.ok());
  Reader r3 = reader_of({0x00});
  EXPECT_EQ(r3.nullable_string(true), std::nullopt);
  EXPECT_TRUE(r3.ok());
}

TEST(Reader, CompactStringLengthIsPlusOne) {
  Reader r = reader_of({0x03, 'h', 'i', 0x01});
  EXPECT_EQ(r.string(true), "hi");
  EXPECT_EQ(r.string(true), "");
  EXPECT_TRUE(r.at_end());
}

TEST(Reader, VarintLongerThanFiveBytesFails) {
  Reader r = reader_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
  r.uvarint();
  EXPECT_FALSE(r.ok());
  Reader r2 = reader_of({0xff, 0xff, 0xff, 0xff, 0x0f});
  EXPECT_EQ(r2.uvarint(), 0xffffffffu);
  EXPECT_TRUE(r2.ok());
}

TEST(Reader, ArrayCountLargerThanRemainingBytesFails) {
  Reader r = reader_of({0x7f, 0xff, 0xff, 0xff, 1, 2, 3});
  EXPECT_EQ(r.array_length(false, false), 0);
  EXPECT_FALSE(r.ok());
  Reader r2 = reader_of({0xff, 0xff, 0xff, 0xff, 0x07, 1, 2, 3});
  r2.array_length(true, true);
  EXPECT_FALSE(r2.ok());
}

TEST(Reader, RecordsAreSlicesOfTheInputWithoutCopy) {
  auto buf = std::make_shared<const Bytes>(Bytes{0, 0, 0, 3, 9, 8, 7});
  Reader r{SharedSlice(buf, 0, buf->size())};
  Records rec = r.records(false, true);
  ASSERT_TRUE(r.ok());
  ASSERT_NE(rec.single_slice(), nullptr);
  EXPECT_EQ(rec.single_slice()->data(), buf->data() + 4);
  EXPECT_EQ(rec.size(), 3u);
}

TEST(Reader, UnknownTaggedFieldsAreSkipped) {
  // FindCoordinatorRequest v3 (flexible): key "g", key type 0, one unknown tag 9 with 2 bytes.
  Reader r = reader_of({0x02, 'g', 0x00, 0x01, 0x09, 0x02, 0xaa, 0xbb});
  FindCoordinatorRequest m;
  ASSERT_TRUE(m.decode(r, 3)) << r.error();
  EXPECT_EQ(m.key, "g");
  EXPECT_TRUE(r.at_end());
}

TEST(Reader, TaggedFieldSizeBeyondBufferFails) {
  Reader r = reader_of({0x02, 'g', 0x00, 0x01, 0x09, 0x7f, 0xaa});
  FindCoordinatorRequest m;
  EXPECT_FALSE(m.decode(r, 3));
}

// Allocation bombs: counts and lengths that promise far more than the input holds must fail
// at once, without reserving memory for them.
TEST(Reader, AllocationBombsFailFast) {
  auto start = std::chrono::steady_clock::now();
  {
    // MetadataRequest v1: topics count 2^31-1, then 3 bytes.
    Reader r = reader_of({0x7f, 0xff, 0xff, 0xff, 0x00, 0x01, 'a'});
    MetadataRequest m;
    EXPECT_FALSE(m.decode(r, 1));
  }
  {
    // MetadataRequest v9 (compact): count 2^32-2 as a varint, then 3 bytes.
    Reader r = reader_of({0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x01, 'a'});
    MetadataRequest m;
    EXPECT_FALSE(m.decode(r, 9));
  }
  {
    // ProduceRequest v3: records length 2^31-1 with 3 bytes left.
    Reader r = reader_of({0xff, 0xff, 0x00, 0x01, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x01,
                          0x00, 0x01, 't', 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                          0x7f, 0xff, 0xff, 0xff, 1, 2, 3});
    ProduceRequest m;
    EXPECT_FALSE(m.decode(r, 3));
  }
  {
    // FetchRequest v4: a partitions count of 2^31-1 inside a topic.
    Reader r = reader_of({0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1,
                          0x00, 0x01, 't', 0x7f, 0xff, 0xff, 0xff, 1, 2, 3});
    FetchRequest m;
    EXPECT_FALSE(m.decode(r, 4));
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::milliseconds(100));
}

}  // namespace
}  // namespace gregor::proto
