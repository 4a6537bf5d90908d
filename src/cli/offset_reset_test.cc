#include "cli/offset_reset.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace gregor::cli {
namespace {

const TopicPartitionKey kTp{"orders", 3};

PartitionPosition at(int64_t low, int64_t high, std::optional<int64_t> committed = std::nullopt,
                     std::optional<int64_t> for_time = std::nullopt) {
  return PartitionPosition{{low, high}, committed, for_time};
}

int64_t reset(ResetMode mode, int64_t value, const PartitionPosition& p) {
  auto r = compute_reset_offset(kTp, {mode, value}, p);
  EXPECT_TRUE(r) << r.error().message;
  return r ? r->offset : -999;
}

TEST(ComputeResetOffset, EarliestLatestAndCurrent) {
  EXPECT_EQ(reset(ResetMode::kEarliest, 0, at(5, 50, 20)), 5);
  EXPECT_EQ(reset(ResetMode::kLatest, 0, at(5, 50, 20)), 50);
  EXPECT_EQ(reset(ResetMode::kCurrent, 0, at(5, 50, 20)), 20);
  EXPECT_EQ(reset(ResetMode::kCurrent, 0, at(5, 50)), 50);  // No commit: the log end.
}

TEST(ComputeResetOffset, ToOffsetIsClampedIntoRangeWithAWarning) {
  EXPECT_EQ(reset(ResetMode::kToOffset, 30, at(5, 50)), 30);
  auto low = compute_reset_offset(kTp, {ResetMode::kToOffset, 2}, at(5, 50));
  ASSERT_TRUE(low);
  EXPECT_EQ(low->offset, 5);
  EXPECT_EQ(low->warning,
            "New offset (2) is lower than earliest offset for topic partition orders-3. Value will be set to 5");
  auto high = compute_reset_offset(kTp, {ResetMode::kToOffset, 99}, at(5, 50));
  ASSERT_TRUE(high);
  EXPECT_EQ(high->offset, 50);
  EXPECT_NE(high->warning.find("higher than latest"), std::string::npos);
  EXPECT_TRUE(compute_reset_offset(kTp, {ResetMode::kToOffset, 50}, at(5, 50))->warning.empty());
}

TEST(ComputeResetOffset, ShiftByMovesFromTheCommittedOffsetAndClamps) {
  EXPECT_EQ(reset(ResetMode::kShiftBy, -3, at(0, 50, 20)), 17);
  EXPECT_EQ(reset(ResetMode::kShiftBy, 10, at(0, 50, 20)), 30);
  EXPECT_EQ(reset(ResetMode::kShiftBy, -100, at(4, 50, 20)), 4);
  EXPECT_EQ(reset(ResetMode::kShiftBy, 100, at(0, 50, 20)), 50);
}

TEST(ComputeResetOffset, ShiftByWithoutACommittedOffsetFails) {
  auto r = compute_reset_offset(kTp, {ResetMode::kShiftBy, 1}, at(0, 50));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "Cannot shift offset for partition orders-3 since there is no current committed offset");
}

TEST(ComputeResetOffset, DatetimeUsesTheLookupOrTheLogEnd) {
  EXPECT_EQ(reset(ResetMode::kToDatetime, 0, at(0, 50, 7, 12)), 12);
  EXPECT_EQ(reset(ResetMode::kToDatetime, 0, at(0, 50, 7, -1)), 50);  // Every record is older.
  EXPECT_EQ(reset(ResetMode::kToDatetime, 0, at(0, 50)), 50);
}

TEST(ParseResetDatetime, UtcAndExplicitOffsets) {
  auto t = parse_reset_datetime("2024-01-02T03:04:05.678Z");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t.value(), 1704164645678);
  t = parse_reset_datetime("2024-01-02T05:04:05.678+02:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(t.value(), 1704164645678);
  t = parse_reset_datetime("2024-01-01T22:04:05.678-0500");
  ASSERT_TRUE(t);
  EXPECT_EQ(t.value(), 1704164645678);
  t = parse_reset_datetime("2024-01-02T03:04Z");  // Seconds and millis may be left out.
  ASSERT_TRUE(t);
  EXPECT_EQ(t.value(), 1704164640000);
}

TEST(ParseResetDatetime, NoZoneMeansLocalTime) {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  setenv("TZ", "UTC", 1);
  tzset();
  auto utc = parse_reset_datetime("2024-01-02T03:04:05.678");
  setenv("TZ", "CET-1", 1);  // POSIX TZ: one hour east of UTC, no DST rule.
  tzset();
  auto cet = parse_reset_datetime("2024-01-02T03:04:05.678");
  if (old) {
    setenv("TZ", saved.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
  ASSERT_TRUE(utc);
  ASSERT_TRUE(cet);
  EXPECT_EQ(utc.value(), 1704164645678);
  EXPECT_EQ(cet.value(), 1704164645678 - 3600 * 1000);
}

TEST(ParseResetDatetime, RejectsMalformedText) {
  for (const char* bad : {"", "2024-01-02", "2024-01-02 03:04:05", "2024-13-02T03:04:05.000",
                          "2024-02-30T00:00:00.000Z", "2024-01-02T03:04:05.6Z", "2024-01-02T03:04:05.678X",
                          "2024-01-02T03:04:05.678+2", "2024-01-02T03:04:05.678Zjunk"}) {
    EXPECT_FALSE(parse_reset_datetime(bad)) << bad;
  }
}

TEST(ParseTopicSelection, TopicAloneOrWithPartitions) {
  auto s = parse_topic_selection("orders");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->topic, "orders");
  EXPECT_TRUE(s->partitions.empty());
  s = parse_topic_selection("orders:0,2,5");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->partitions, (std::vector<int32_t>{0, 2, 5}));
  EXPECT_FALSE(parse_topic_selection(":1"));
  EXPECT_FALSE(parse_topic_selection("t:"));
  EXPECT_FALSE(parse_topic_selection("t:1,x"));
  EXPECT_FALSE(parse_topic_selection("t:-1"));
}

TEST(GroupState, OnlyEmptyOrDeadGroupsMayBeReset) {
  EXPECT_TRUE(group_is_inactive("Empty"));
  EXPECT_TRUE(group_is_inactive("Dead"));
  EXPECT_FALSE(group_is_inactive("Stable"));
  EXPECT_FALSE(group_is_inactive("PreparingRebalance"));
  EXPECT_FALSE(group_is_inactive("Unknown"));
  EXPECT_EQ(inactive_group_required("g1", "Stable"),
            "Assignments can only be reset if the group 'g1' is inactive, but the current state is Stable.");
}

}  // namespace
}  // namespace gregor::cli
