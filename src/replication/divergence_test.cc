#include "replication/divergence.h"

#include <gtest/gtest.h>

#include <vector>

#include "model/error_code.h"

namespace gregor::replication {
namespace {

using model::ErrorCode;
using model::to_int;

// Leader epochs: 1@0, 3@10, 4@20; LEO 30; log start 0.
const std::vector<EpochEntry> kEpochs = {{1, 0}, {3, 10}, {4, 20}};

LeaderLogView leader_view(const std::vector<EpochEntry>& epochs = kEpochs, int64_t log_start = 0,
                          int64_t leo = 30) {
  return LeaderLogView{{true, 4}, epochs, log_start, leo};
}

TEST(EndOffsetFor, LatestEpochEndsAtTheLogEndOffset) {
  EXPECT_EQ(end_offset_for(kEpochs, 4, 30), (EpochEndOffset{4, 30}));
}

TEST(EndOffsetFor, OlderEpochEndsWhereTheNextBegins) {
  EXPECT_EQ(end_offset_for(kEpochs, 1, 30), (EpochEndOffset{1, 10}));
  EXPECT_EQ(end_offset_for(kEpochs, 3, 30), (EpochEndOffset{3, 20}));
}

TEST(EndOffsetFor, UnknownEpochBetweenKnownOnesAnswersTheFloorEpoch) {
  EXPECT_EQ(end_offset_for(kEpochs, 2, 30), (EpochEndOffset{1, 10}));
}

TEST(EndOffsetFor, EpochBelowTheFirstAnswersTheFirstStartOffset) {
  std::vector<EpochEntry> e = {{3, 10}, {4, 20}};
  EXPECT_EQ(end_offset_for(e, 1, 30), (EpochEndOffset{1, 10}));
}

TEST(EndOffsetFor, UndefinedCases) {
  EXPECT_TRUE(end_offset_for(kEpochs, 5, 30).undefined());
  EXPECT_TRUE(end_offset_for(kEpochs, kUndefinedEpoch, 30).undefined());
  EXPECT_TRUE(end_offset_for({}, 1, 30).undefined());
}

TEST(OffsetForLeaderEpoch, AnswersTheEndOffsetOnTheLeader) {
  EXPECT_EQ(offset_for_leader_epoch(leader_view(), 4, 2), (OffsetForLeaderEpochAnswer{0, 1, 10}));
  EXPECT_EQ(offset_for_leader_epoch(leader_view(), kNoLeaderEpoch, 4), (OffsetForLeaderEpochAnswer{0, 4, 30}));
}

TEST(OffsetForLeaderEpoch, UndefinedAnswerIsNotAnError) {
  EXPECT_EQ(offset_for_leader_epoch(leader_view(), 4, 9), (OffsetForLeaderEpochAnswer{0, -1, -1}));
}

TEST(OffsetForLeaderEpoch, ChecksTheCurrentLeaderEpoch) {
  EXPECT_EQ(offset_for_leader_epoch(leader_view(), 3, 1).error_code, to_int(ErrorCode::FENCED_LEADER_EPOCH));
  EXPECT_EQ(offset_for_leader_epoch(leader_view(), 5, 1).error_code, to_int(ErrorCode::UNKNOWN_LEADER_EPOCH));
}

TEST(OffsetForLeaderEpoch, RequiresLeadership) {
  LeaderLogView v = leader_view();
  v.partition.is_leader = false;
  EXPECT_EQ(offset_for_leader_epoch(v, 4, 1).error_code, to_int(ErrorCode::NOT_LEADER_OR_FOLLOWER));
  EXPECT_EQ(offset_for_leader_epoch(v, 4, 1, /*require_leader=*/false), (OffsetForLeaderEpochAnswer{0, 1, 10}));
}

TEST(FetchDivergence, NoLastFetchedEpochMeansNoCheck) {
  auto r = check_fetch_divergence(leader_view(), 4, 25, kUndefinedEpoch);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST(FetchDivergence, ConsistentFetchHasNoDivergence) {
  auto r = check_fetch_divergence(leader_view(), 4, 25, 4);  // inside the latest epoch
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  r = check_fetch_divergence(leader_view(), 4, 10, 1);  // exactly at the end of epoch 1
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST(FetchDivergence, FetchPastTheEndOfItsEpochDiverges) {
  auto r = check_fetch_divergence(leader_view(), 4, 12, 1);  // epoch 1 ended at 10 on the leader
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, (DivergingEpoch{1, 10}));
}

TEST(FetchDivergence, EpochUnknownToTheLeaderDivergesAtTheFloorEpoch) {
  auto r = check_fetch_divergence(leader_view(), 4, 10, 2);  // leader never had epoch 2
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, (DivergingEpoch{1, 10}));
}

TEST(FetchDivergence, EpochNewerThanTheLeaderKnowsIsOutOfRange) {
  auto r = check_fetch_divergence(leader_view(), 4, 30, 7);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, to_int(ErrorCode::OFFSET_OUT_OF_RANGE));
}

TEST(FetchDivergence, FetchBelowLogStartIsOutOfRangeEvenWhenDiverging) {
  auto r = check_fetch_divergence(leader_view(kEpochs, 15, 30), 4, 12, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, to_int(ErrorCode::OFFSET_OUT_OF_RANGE));
}

TEST(FetchDivergence, StaleCurrentLeaderEpochIsFenced) {
  auto r = check_fetch_divergence(leader_view(), 3, 25, 3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, to_int(ErrorCode::FENCED_LEADER_EPOCH));
}

}  // namespace
}  // namespace gregor::replication
