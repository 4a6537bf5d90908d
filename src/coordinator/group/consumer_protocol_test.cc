// The consumer protocol subscription parser: every version's layout, and rejection of damage.
#include <gtest/gtest.h>

#include "coordinator/group/consumer_protocol.h"

namespace gregor::group {
namespace {

Subscription full(int16_t version) {
  Subscription s;
  s.version = version;
  s.topics = {"orders", "payments"};
  s.user_data = Bytes{1, 2, 3};
  if (version >= 1) s.owned_partitions = {{"orders", {0, 2}}};
  if (version >= 2) s.generation_id = 7;
  if (version >= 3) s.rack_id = "rack-a";
  return s;
}

TEST(ConsumerProtocolTest, EveryVersionRoundTrips) {
  for (int16_t v = 0; v <= 3; ++v) {
    auto bytes = encode_subscription(full(v));
    auto parsed = parse_subscription(ByteView(bytes));
    ASSERT_TRUE(parsed.ok()) << v;
    EXPECT_EQ(*parsed, full(v)) << v;
  }
}

TEST(ConsumerProtocolTest, V0MatchesKafkaBytes) {
  Subscription s;
  s.topics = {"t"};
  auto b = encode_subscription(s);
  EXPECT_EQ(b, (Bytes{0, 0, 0, 0, 0, 1, 0, 1, 't', 0xff, 0xff, 0xff, 0xff}));
}

TEST(ConsumerProtocolTest, NewerVersionIsReadWithV3LayoutIgnoringTrailingBytes) {
  auto b = encode_subscription(full(3));
  b[1] = 5;
  b.push_back(0x42);
  auto parsed = parse_subscription(ByteView(b));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->topics, full(3).topics);
  EXPECT_EQ(parsed->rack_id, "rack-a");
}

TEST(ConsumerProtocolTest, TruncatedSubscriptionIsRejectedAtEveryLength) {
  auto b = encode_subscription(full(3));
  for (size_t n = 0; n < b.size(); ++n) {
    auto parsed = parse_subscription(ByteView(b.data(), n));
    EXPECT_FALSE(parsed.ok()) << n;
  }
}

TEST(ConsumerProtocolTest, NegativeVersionAndHugeCountsAreRejected) {
  EXPECT_FALSE(parse_subscription(ByteView(Bytes{0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff})).ok());
  EXPECT_FALSE(parse_subscription(ByteView(Bytes{0, 0, 0x7f, 0xff, 0xff, 0xff})).ok());
}

TEST(ConsumerProtocolTest, NullUserDataAndNullRackParse) {
  Subscription s;
  s.version = 3;
  s.topics = {"a"};
  auto parsed = parse_subscription(ByteView(encode_subscription(s)));
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->user_data.has_value());
  EXPECT_FALSE(parsed->rack_id.has_value());
}

}  // namespace
}  // namespace gregor::group
