#include "replication/partition_leader_state.h"

#include <gtest/gtest.h>

#include "model/error_code.h"
#include "replication/leader_test_util.h"

namespace gregor::replication {
namespace {

using model::ErrorCode;
using model::to_int;
using testing::kLagMs;
using testing::kT0;
using testing::leader_params;

TEST(PartitionLeaderState, HighWatermarkIsClampedToTheLeo) {
  PartitionLeaderState s(leader_params({1, 2, 3}, {1, 2, 3}, 10, 50));
  EXPECT_EQ(s.high_watermark(), 10);
}

TEST(PartitionLeaderState, SoleIsrMemberAdvancesHwOnAppend) {
  PartitionLeaderState s(leader_params({1}, {1}, 0, 0));
  EXPECT_TRUE(s.on_local_append(5, kT0));
  EXPECT_EQ(s.high_watermark(), 5);
}

TEST(PartitionLeaderState, NewLeaderWaitsForIsrFollowersToFetch) {
  PartitionLeaderState s(leader_params({1, 2, 3}, {1, 2, 3}, 10, 4));
  EXPECT_EQ(s.high_watermark(), 4);  // follower LEOs unknown until they fetch
  EXPECT_FALSE(s.on_local_append(12, kT0));
  auto r = s.on_follower_fetch(2, 12, 12, kT0 + 1);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->high_watermark_changed);  // 3 has not fetched yet
  r = s.on_follower_fetch(3, 8, 12, kT0 + 2);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->high_watermark_changed);
  EXPECT_EQ(s.high_watermark(), 8);  // min LEO over the ISR
  r = s.on_follower_fetch(3, 12, 12, kT0 + 3);
  EXPECT_EQ(s.high_watermark(), 12);
}

TEST(PartitionLeaderState, HwNeverDecreasesWhenAFollowerReportsALowerOffset) {
  PartitionLeaderState s(leader_params({1, 2}, {1, 2}, 10, 0));
  ASSERT_TRUE(s.on_follower_fetch(2, 10, 10, kT0).ok());
  EXPECT_EQ(s.high_watermark(), 10);
  ASSERT_TRUE(s.on_follower_fetch(2, 6, 10, kT0 + 1).ok());  // e.g. the follower restarted
  EXPECT_EQ(s.high_watermark(), 10);
}

TEST(PartitionLeaderState, UnknownReplicaFetchIsRefused) {
  PartitionLeaderState s(leader_params({1, 2}, {1, 2}, 10, 0));
  auto r = s.on_follower_fetch(9, 10, 10, kT0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, to_int(ErrorCode::NOT_LEADER_OR_FOLLOWER));
  EXPECT_FALSE(s.is_follower(9));
}

TEST(PartitionLeaderState, FetchBeyondTheLeaderLeoIsOutOfRange) {
  PartitionLeaderState s(leader_params({1, 2}, {1, 2}, 10, 0));
  auto r = s.on_follower_fetch(2, 11, 10, kT0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, to_int(ErrorCode::OFFSET_OUT_OF_RANGE));
}

TEST(PartitionLeaderState, CaughtUpNonIsrFollowerHoldsBackTheHw) {
  // Kafka waits for a caught-up follower that may join the ISR, so that it can catch up.
  PartitionLeaderState s(leader_params({1, 2}, {1}, 10, 10));
  ASSERT_TRUE(s.on_follower_fetch(2, 10, 10, kT0).ok());  // caught up; expansion proposed
  ASSERT_TRUE(s.on_metadata_update({5, 8, {1, 2}, {1}}, kT0).applied);  // controller kept ISR {1}
  EXPECT_FALSE(s.on_local_append(20, kT0 + 1));
  EXPECT_EQ(s.high_watermark(), 10);  // 2 is caught up (fetched at the LEO within the lag)
  // Once it is no longer caught up, the leader alone decides.
  EXPECT_TRUE(s.on_local_append(21, kT0 + kLagMs + 1));
  EXPECT_EQ(s.high_watermark(), 21);
}

TEST(PartitionLeaderState, IneligibleNonIsrFollowerDoesNotHoldBackTheHw) {
  PartitionLeaderState s(leader_params({1, 2}, {1}, 10, 10));
  s.set_isr_eligible(2, false);
  auto r = s.on_follower_fetch(2, 10, 10, kT0);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->alter_partition.has_value());
  EXPECT_TRUE(s.on_local_append(20, kT0 + 1));
  EXPECT_EQ(s.high_watermark(), 20);
}

TEST(PartitionLeaderState, HwIsMinLeoOfTheMaximalIsrWithAPendingExpansion) {
  PartitionLeaderState s(leader_params({1, 2, 3}, {1, 2}, 10, 10));
  s.set_isr_eligible(3, true);
  ASSERT_TRUE(s.on_follower_fetch(2, 10, 10, kT0).ok());
  // 3 catches up to the HW: an expansion to {1,2,3} becomes pending.
  auto r = s.on_follower_fetch(3, 10, 10, kT0 + 1);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->alter_partition.has_value());
  EXPECT_EQ(r->alter_partition->kind, IsrChangeKind::kExpand);
  EXPECT_EQ(r->alter_partition->new_isr, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(s.isr(), (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(s.maximal_isr(), (std::vector<int32_t>{1, 2, 3}));
  // Long after 3's last fetch (not caught up any more), the pending expansion still holds the HW.
  int64_t later = kT0 + 10 * kLagMs;
  s.on_local_append(30, later);
  ASSERT_TRUE(s.on_follower_fetch(2, 30, 30, later).ok());
  EXPECT_EQ(s.high_watermark(), 10);  // min(leader 30, 2: 30, 3: 10)
  ASSERT_TRUE(s.on_follower_fetch(3, 25, 30, later + 1).ok());
  EXPECT_EQ(s.high_watermark(), 25);
}

TEST(PartitionLeaderState, HwDoesNotMoveUnderMinIsr) {
  PartitionLeaderState s(leader_params({1, 2, 3}, {1}, 10, 10, /*min_isr=*/2));
  EXPECT_TRUE(s.is_under_min_isr());
  EXPECT_FALSE(s.on_local_append(20, kT0 + 10 * kLagMs));
  EXPECT_EQ(s.high_watermark(), 10);
  // Lowering min.insync.replicas unblocks it.
  EXPECT_TRUE(s.set_config(LeaderConfig{1, kLagMs}, kT0 + 10 * kLagMs));
  EXPECT_EQ(s.high_watermark(), 20);
}

TEST(PartitionLeaderState, EffectiveMinIsrIsCappedByTheReplicaCount) {
  PartitionLeaderState s(leader_params({1, 2}, {1, 2}, 0, 0, /*min_isr=*/3));
  EXPECT_EQ(s.effective_min_isr(), 2);
  EXPECT_TRUE(s.check_enough_replicas().ok());
}

TEST(PartitionLeaderState, AcksAllAppendNeedsMinIsr) {
  PartitionLeaderState s(leader_params({1, 2, 3}, {1}, 0, 0, /*min_isr=*/2));
  Status st = s.check_enough_replicas();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, to_int(ErrorCode::NOT_ENOUGH_REPLICAS));
  EXPECT_EQ(st.error().code, 19);
  PartitionLeaderState ok(leader_params({1, 2, 3}, {1, 2}, 0, 0, /*min_isr=*/2));
  EXPECT_TRUE(ok.check_enough_replicas().ok());
}

TEST(PartitionLeaderState, CheckEnoughReplicasReachOffset) {
  PartitionLeaderState s(leader_params({1, 2}, {1, 2}, 0, 0, /*min_isr=*/2));
  s.on_local_append(5, kT0);
  EXPECT_FALSE(s.check_enough_replicas_reach_offset(5).reached);
  ASSERT_TRUE(s.on_follower_fetch(2, 5, 5, kT0).ok());
  AckCheck c = s.check_enough_replicas_reach_offset(5);
  EXPECT_TRUE(c.reached);
  EXPECT_EQ(c.error_code, 0);
}

TEST(PartitionLeaderState, ReelectionInNewEpochResetsFollowersAndEpochStart) {
  PartitionLeaderState s(leader_params({1, 2}, {1, 2}, 10, 0));
  ASSERT_TRUE(s.on_follower_fetch(2, 10, 10, kT0).ok());
  s.on_local_append(15, kT0 + 1);
  MetadataUpdateOutcome m = s.on_metadata_update({6, 9, {1, 2}, {1, 2}}, kT0 + 2);
  EXPECT_TRUE(m.applied);
  EXPECT_TRUE(m.new_leader_epoch);
  EXPECT_EQ(s.leader_epoch(), 6);
  EXPECT_EQ(s.partition_epoch(), 9);
  EXPECT_EQ(s.leader_epoch_start_offset(), 15);
  EXPECT_EQ(s.follower(2)->log_end_offset(), 10);  // kept: not a new leader
  EXPECT_EQ(s.follower(2)->last_caught_up_time_ms(), kT0 + 2);
}

TEST(PartitionLeaderState, StaleMetadataIsIgnored) {
  PartitionLeaderState s(leader_params({1, 2}, {1, 2}, 10, 0));
  EXPECT_FALSE(s.on_metadata_update({5, 7, {1, 2}, {1}}, kT0).applied);  // same partition epoch
  EXPECT_FALSE(s.on_metadata_update({5, 6, {1, 2}, {1}}, kT0).applied);
  EXPECT_EQ(s.isr(), (std::vector<int32_t>{1, 2}));
}

TEST(PartitionLeaderState, ReassignmentAddsAndRemovesFollowers) {
  PartitionLeaderState s(leader_params({1, 2, 3}, {1, 2, 3}, 10, 10));
  ASSERT_TRUE(s.on_metadata_update({5, 8, {1, 2, 4}, {1, 2}}, kT0).applied);
  EXPECT_FALSE(s.is_follower(3));
  ASSERT_TRUE(s.is_follower(4));
  EXPECT_EQ(s.follower(4)->log_end_offset(), kUnknownOffset);
  EXPECT_EQ(s.replicas(), (std::vector<int32_t>{1, 2, 4}));
}

}  // namespace
}  // namespace gregor::replication
