#include "replication/follower_fetch_state.h"

#include <gtest/gtest.h>

namespace gregor::replication {
namespace {

constexpr int64_t kLag = 30000;

TEST(FollowerFetchState, StartsUnknownAndNeverCaughtUp) {
  FollowerFetchState s;
  EXPECT_EQ(s.log_end_offset(), kUnknownOffset);
  EXPECT_EQ(s.last_caught_up_time_ms(), 0);
}

TEST(FollowerFetchState, FetchAtLeaderLeoIsCaughtUpNow) {
  FollowerFetchState s;
  s.update(/*fetch_offset=*/10, /*leader_leo=*/10, /*now=*/1000);
  EXPECT_EQ(s.log_end_offset(), 10);
  EXPECT_EQ(s.last_caught_up_time_ms(), 1000);
  EXPECT_EQ(s.last_fetch_time_ms(), 1000);
  EXPECT_EQ(s.last_fetch_leader_leo(), 10);
}

TEST(FollowerFetchState, ReachingThePreviousFetchLeaderLeoIsCaughtUpAsOfThePreviousFetch) {
  FollowerFetchState s;
  s.update(5, 10, 1000);  // behind: not caught up
  EXPECT_EQ(s.last_caught_up_time_ms(), 0);
  s.update(10, 12, 2000);  // reached what the leader had at 1000, but leader is at 12 now
  EXPECT_EQ(s.last_caught_up_time_ms(), 1000);
  EXPECT_EQ(s.last_fetch_leader_leo(), 12);
}

TEST(FollowerFetchState, BehindBothLeosKeepsTheOldCaughtUpTime) {
  FollowerFetchState s;
  s.update(10, 10, 1000);
  s.update(11, 20, 2000);  // behind 20 and at/after 10: caught up as of 1000 (already)
  EXPECT_EQ(s.last_caught_up_time_ms(), 1000);
  s.update(15, 30, 3000);  // behind 30 and behind the previous 20: unchanged
  EXPECT_EQ(s.last_caught_up_time_ms(), 1000);
}

TEST(FollowerFetchState, ConstantlyTrailingFollowerStillCountsAsCaughtUp) {
  // Small produces arrive between every fetch: the fetch offset is always below the leader's
  // LEO, but always reaches the LEO of the previous fetch (KAFKA-4485).
  FollowerFetchState s;
  int64_t leo = 10;
  for (int64_t t = 1000; t <= 100000; t += 500) {
    s.update(leo, leo + 1, t);
    ++leo;
  }
  EXPECT_TRUE(s.is_caught_up(leo, 100000, kLag));
  EXPECT_EQ(s.last_caught_up_time_ms(), 99500);
}

TEST(FollowerFetchState, CaughtUpByEqualLeoRegardlessOfTime) {
  FollowerFetchState s;
  s.update(10, 10, 1000);
  EXPECT_TRUE(s.is_caught_up(10, 1000 + 10 * kLag, kLag));
  EXPECT_FALSE(s.is_caught_up(11, 1000 + kLag + 1, kLag));
  EXPECT_TRUE(s.is_caught_up(11, 1000 + kLag, kLag));
}

TEST(FollowerFetchState, ResetForNewLeaderForgetsTheLeo) {
  FollowerFetchState s;
  s.update(10, 10, 1000);
  s.reset(5000, 10, /*new_leader=*/true, /*in_sync=*/true);
  EXPECT_EQ(s.log_end_offset(), kUnknownOffset);
  EXPECT_EQ(s.last_caught_up_time_ms(), 5000);
  s.reset(6000, 10, /*new_leader=*/true, /*in_sync=*/false);
  EXPECT_EQ(s.last_caught_up_time_ms(), 0);
}

TEST(FollowerFetchState, ResetForReelectedLeaderKeepsTheLeo) {
  FollowerFetchState s;
  s.update(10, 10, 1000);
  s.reset(5000, 12, /*new_leader=*/false, /*in_sync=*/true);
  EXPECT_EQ(s.log_end_offset(), 10);
  EXPECT_EQ(s.last_fetch_leader_leo(), 12);
  EXPECT_EQ(s.last_fetch_time_ms(), 5000);
  EXPECT_EQ(s.last_caught_up_time_ms(), 5000);
}

}  // namespace
}  // namespace gregor::replication
