#include "replication/follower_truncation.h"

#include <gtest/gtest.h>

#include <vector>

namespace gregor::replication {
namespace {

using A = OutOfRangeDecision::Action;

TEST(FollowerTruncation, SameEpochTruncatesToTheSmallerEnd) {
  std::vector<EpochEntry> mine = {{1, 0}, {2, 5}};  // LEO 12: epoch 2 runs 5..12
  EXPECT_EQ(truncation_for_diverging_epoch({2, 8}, mine, 12, 12), (TruncationDecision{8, true}));
  // Leader's end beyond ours in that epoch: our own end offset for it.
  std::vector<EpochEntry> mine2 = {{1, 0}, {2, 5}, {3, 9}};
  EXPECT_EQ(truncation_for_diverging_epoch({2, 11}, mine2, 12, 12), (TruncationDecision{9, true}));
}

TEST(FollowerTruncation, EpochUnknownToFollowerTruncatesToItsFloorEpochEndIncomplete) {
  std::vector<EpochEntry> mine = {{1, 0}, {3, 6}};  // never had epoch 2
  EXPECT_EQ(truncation_for_diverging_epoch({2, 8}, mine, 10, 10), (TruncationDecision{6, false}));
}

TEST(FollowerTruncation, NeverTruncatesAboveTheLogEndOffset) {
  std::vector<EpochEntry> mine = {{1, 0}};
  EXPECT_EQ(truncation_for_diverging_epoch({1, 50}, mine, 7, 7), (TruncationDecision{7, true}));
}

TEST(FollowerTruncation, EpochBelowAllOfFollowersUsesLeaderOffset) {
  std::vector<EpochEntry> mine = {{3, 10}};  // older epochs were deleted from our log
  EXPECT_EQ(truncation_for_diverging_epoch({1, 5}, mine, 20, 20), (TruncationDecision{5, true}));
}

TEST(FollowerTruncation, NoEpochsUseLeaderOffset) {
  EXPECT_EQ(truncation_for_diverging_epoch({1, 5}, {}, 20, 20), (TruncationDecision{5, true}));
}

TEST(FollowerTruncation, UndefinedLeaderAnswers) {
  std::vector<EpochEntry> mine = {{1, 0}};
  EXPECT_EQ(truncation_for_diverging_epoch({3, kUndefinedEpochOffset}, mine, 20, 17), (TruncationDecision{17, true}));
  EXPECT_EQ(truncation_for_diverging_epoch({kUndefinedEpoch, 12}, mine, 20, 20), (TruncationDecision{12, true}));
}

TEST(InitialFetchPosition, WithEpochsFetchFromTheLogEndWithTheLatestEpoch) {
  std::vector<EpochEntry> mine = {{1, 0}, {4, 9}};
  EXPECT_EQ(initial_fetch_position(mine, 15, 11), (InitialFetchPosition{15, 4, std::nullopt}));
}

TEST(InitialFetchPosition, WithoutEpochsTruncateToTheHighWatermark) {
  EXPECT_EQ(initial_fetch_position({}, 15, 11), (InitialFetchPosition{11, kUndefinedEpoch, 11}));
  EXPECT_EQ(initial_fetch_position({}, 0, 0), (InitialFetchPosition{0, kUndefinedEpoch, 0}));
}

TEST(OffsetOutOfRange, LeaderBehindUsTruncatesToTheLeaderEnd) {
  EXPECT_EQ(on_offset_out_of_range(/*follower_leo=*/50, /*leader_start=*/0, /*leader_leo=*/40),
            (OutOfRangeDecision{A::kTruncateTo, 40}));
}

TEST(OffsetOutOfRange, LeaderStartPastOurEndTruncatesFully) {
  EXPECT_EQ(on_offset_out_of_range(10, 100, 200), (OutOfRangeDecision{A::kTruncateFullyAndStartAt, 100}));
}

TEST(OffsetOutOfRange, OtherwiseKeepTheLogAndRefetch) {
  EXPECT_EQ(on_offset_out_of_range(50, 10, 200), (OutOfRangeDecision{A::kKeep, 50}));
}

}  // namespace
}  // namespace gregor::replication
