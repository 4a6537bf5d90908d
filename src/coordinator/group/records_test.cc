#include "coordinator/group/records.h"

#include <gtest/gtest.h>

#include "protocol/writer.h"

namespace gregor::group {
namespace {

TEST(GroupRecords, OffsetKeyRoundTripsAsKeyVersion1) {
  auto bytes = encode_offset_key("g1", TopicPartition{"orders", 7});
  ASSERT_GE(bytes.size(), 2u);
  EXPECT_EQ(bytes[0], 0);
  EXPECT_EQ(bytes[1], 1);
  auto k = decode_key(bytes);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(std::get<OffsetKey>(*k), (OffsetKey{"g1", TopicPartition{"orders", 7}}));
}

TEST(GroupRecords, GroupKeyRoundTripsAsKeyVersion2) {
  auto k = decode_key(encode_group_key("payments"));
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(std::get<GroupKey>(*k).group_id, "payments");
}

TEST(GroupRecords, UnknownKeyVersionIsReportedNotFailed) {
  Bytes b{0, 5, 0, 1, 'x'};
  auto k = decode_key(b);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(std::get<OtherKey>(*k).version, 5);
}

TEST(GroupRecords, OffsetValueV3RoundTrips) {
  CommittedOffset c{1234, 5, "meta", 99, std::nullopt};
  auto bytes = encode_offset_value(c);
  EXPECT_EQ(bytes[1], 3);
  auto d = decode_offset_value(bytes);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, c);
}

TEST(GroupRecords, OffsetValueWithExpireTimestampIsV1) {
  CommittedOffset c{10, -1, "", 100, 500};
  auto bytes = encode_offset_value(c);
  EXPECT_EQ(bytes[1], 1);
  auto d = decode_offset_value(bytes);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, c);
}

TEST(GroupRecords, OffsetValueV0AndFlexibleV4Decode) {
  proto::Writer w0;
  w0.int16(0);
  w0.int64(42);
  w0.string("m", false);
  w0.int64(7);
  auto b0 = *proto::flatten(w0.finish());
  auto d0 = decode_offset_value(b0);
  ASSERT_TRUE(d0.ok());
  EXPECT_EQ(d0->offset, 42);
  EXPECT_EQ(d0->leader_epoch, -1);
  EXPECT_EQ(d0->commit_timestamp_ms, 7);

  proto::Writer w4;
  w4.int16(4);
  w4.int64(43);
  w4.int32(2);
  w4.string("x", true);
  w4.int64(8);
  w4.uvarint(0);  // no tagged fields
  auto b4 = *proto::flatten(w4.finish());
  auto d4 = decode_offset_value(b4);
  ASSERT_TRUE(d4.ok());
  EXPECT_EQ(d4->offset, 43);
  EXPECT_EQ(d4->leader_epoch, 2);
  EXPECT_EQ(d4->metadata, "x");
}

TEST(GroupRecords, GroupValueRoundTrips) {
  GroupMetadata g;
  g.protocol_type = "consumer";
  g.generation_id = 3;
  g.protocol_name = "range";
  g.leader = "m-1";
  g.current_state_timestamp_ms = 1000;
  g.members.push_back(MemberMetadata{"m-1", "i-1", "c", "/127.0.0.1", 30000, 10000, Bytes{1, 2}, Bytes{3}});
  g.members.push_back(MemberMetadata{"m-2", std::nullopt, "c", "/127.0.0.1", 30000, 10000, {}, {}});
  auto d = decode_group_value(encode_group_value(g));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, g);
}

TEST(GroupRecords, EmptyGroupValueHasNullProtocolAndLeader) {
  GroupMetadata g;
  g.protocol_type = "consumer";
  g.generation_id = 4;
  auto d = decode_group_value(encode_group_value(g));
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->protocol_name);
  EXPECT_FALSE(d->leader);
  EXPECT_TRUE(d->members.empty());
}

TEST(GroupRecords, TruncatedAndUnknownVersionsAreErrors) {
  auto v = encode_offset_value(CommittedOffset{1, 1, "abc", 2, std::nullopt});
  for (size_t n = 0; n < v.size(); ++n) {
    EXPECT_FALSE(decode_offset_value(ByteView(v.data(), n)).ok()) << n;
  }
  Bytes future{0, 9, 0, 0};
  EXPECT_FALSE(decode_offset_value(future).ok());
  EXPECT_FALSE(decode_group_value(future).ok());
  EXPECT_FALSE(decode_key(Bytes{0}).ok());
  auto k = encode_offset_key("g", TopicPartition{"t", 0});
  EXPECT_FALSE(decode_key(ByteView(k.data(), k.size() - 1)).ok());
}

TEST(GroupRecords, PartitionForGroupIsJavaHashCodeModN) {
  EXPECT_EQ(partition_for_group("", 50), 0);
  EXPECT_EQ(partition_for_group("hello", 50), 99162322 % 50);  // "hello".hashCode() == 99162322
  // "polygenelubricants".hashCode() == Integer.MIN_VALUE; Kafka's Utils.abs maps it to 0.
  EXPECT_EQ(partition_for_group("polygenelubricants", 50), 0);
  // Non-ASCII is hashed as UTF-16 code units: U+00E9 is one unit (0xE9), U+1F600 two.
  EXPECT_EQ(partition_for_group("\xC3\xA9", 1000), 0xE9 % 1000);
  int32_t pair = int32_t(uint32_t(0xD83D) * 31u + 0xDE00);
  EXPECT_EQ(partition_for_group("\xF0\x9F\x98\x80", 1 << 30), pair % (1 << 30));
  for (const char* g : {"a", "group-1", "consumers", "\xFF\xFE"}) {
    int32_t p = partition_for_group(g, 50);
    EXPECT_GE(p, 0);
    EXPECT_LT(p, 50);
  }
}

}  // namespace
}  // namespace gregor::group
