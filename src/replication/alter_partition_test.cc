// ISR shrink and expansion through AlterPartition, and how responses are handled.
#include <gtest/gtest.h>

#include "model/error_code.h"
#include "replication/leader_test_util.h"
#include "replication/partition_leader_state.h"

namespace gregor::replication {
namespace {

using model::ErrorCode;
using model::to_int;
using testing::kLagMs;
using testing::kT0;
using testing::leader_params;

AlterPartitionResponse ok_response(const PartitionLeaderState& s, std::vector<int32_t> isr) {
  return AlterPartitionResponse{0, s.leader_epoch(), s.partition_epoch() + 1, std::move(isr)};
}

AlterPartitionResponse error_response(ErrorCode code) { return AlterPartitionResponse{to_int(code), -1, -1, {}}; }

// Leader 1 with followers 2 and 3 in the ISR, all at LEO 10 as of kT0.
PartitionLeaderState caught_up_leader() {
  PartitionLeaderState s(leader_params({1, 2, 3}, {1, 2, 3}, 10, 10));
  EXPECT_TRUE(s.on_follower_fetch(2, 10, 10, kT0).ok());
  EXPECT_TRUE(s.on_follower_fetch(3, 10, 10, kT0).ok());
  return s;
}

TEST(AlterPartition, NoShrinkWhileFollowersAreWithinTheLag) {
  PartitionLeaderState s = caught_up_leader();
  s.on_local_append(20, kT0 + 1);
  EXPECT_FALSE(s.maybe_shrink_isr(kT0 + kLagMs).has_value());
}

TEST(AlterPartition, NoShrinkForAFollowerAtTheLeaderLeoEvenIfIdle) {
  PartitionLeaderState s = caught_up_leader();
  EXPECT_FALSE(s.maybe_shrink_isr(kT0 + 100 * kLagMs).has_value());
}

TEST(AlterPartition, ShrinkAfterTheLagThenCommitAdvancesTheHw) {
  PartitionLeaderState s = caught_up_leader();
  s.on_local_append(20, kT0 + 1);
  ASSERT_TRUE(s.on_follower_fetch(2, 20, 20, kT0 + 2).ok());  // 3 stops fetching
  EXPECT_EQ(s.high_watermark(), 10);
  int64_t now = kT0 + kLagMs + 1;
  EXPECT_EQ(s.out_of_sync_replicas(now), (std::vector<int32_t>{3}));
  auto p = s.maybe_shrink_isr(now);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->kind, IsrChangeKind::kShrink);
  EXPECT_EQ(p->new_isr, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(p->changed, (std::vector<int32_t>{3}));
  EXPECT_EQ(p->leader_epoch, 5);
  EXPECT_EQ(p->partition_epoch, 7);
  // Pending shrink: the maximal ISR is still the old one, the HW does not move.
  EXPECT_EQ(s.maximal_isr(), (std::vector<int32_t>{1, 2, 3}));
  EXPECT_FALSE(s.on_local_append(21, now));
  EXPECT_FALSE(s.maybe_shrink_isr(now).has_value());  // one AlterPartition at a time
  AlterResponseOutcome o = s.on_alter_partition_response(p->id, ok_response(s, {1, 2}), now);
  EXPECT_EQ(o.action, AlterResponseAction::kCommitted);
  EXPECT_TRUE(o.high_watermark_changed);
  EXPECT_EQ(s.high_watermark(), 20);
  EXPECT_EQ(s.isr(), (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(s.partition_epoch(), 8);
  EXPECT_FALSE(s.alter_partition_in_flight());
}

TEST(AlterPartition, ExpandWhenFollowerReachesHwAndEpochStart) {
  PartitionLeaderState s(leader_params({1, 2}, {1}, 10, 10));
  s.on_local_append(15, kT0);  // sole ISR member: HW 15
  ASSERT_EQ(s.high_watermark(), 15);
  auto r = s.on_follower_fetch(2, 12, 15, kT0 + 1);  // below the HW: not yet
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->alter_partition.has_value());
  r = s.on_follower_fetch(2, 15, 15, kT0 + 2);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->alter_partition.has_value());
  EXPECT_EQ(r->alter_partition->new_isr, (std::vector<int32_t>{1, 2}));
  AlterResponseOutcome o = s.on_alter_partition_response(r->alter_partition->id, ok_response(s, {1, 2}), kT0 + 3);
  EXPECT_EQ(o.action, AlterResponseAction::kCommitted);
  EXPECT_EQ(s.isr(), (std::vector<int32_t>{1, 2}));
}

TEST(AlterPartition, NoExpandBeforeTheFollowerReachesTheLeaderEpochStart) {
  // Epoch began at 10, HW (from the checkpoint) is 6: a follower at 8 is above the HW but has
  // not reached the current epoch, so it could lose committed data if elected.
  BecomeLeaderParams p = leader_params({1, 2, 3}, {1, 3}, 10, 6);
  PartitionLeaderState s(p);
  auto r = s.on_follower_fetch(2, 8, 10, kT0);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->alter_partition.has_value());
  EXPECT_FALSE(s.maybe_expand_isr(2).has_value());
  r = s.on_follower_fetch(2, 10, 10, kT0 + 1);
  EXPECT_TRUE(r->alter_partition.has_value());
}

TEST(AlterPartition, RejectedChangesRollBackToTheCommittedIsr) {
  for (ErrorCode code : {ErrorCode::OPERATION_NOT_ATTEMPTED, ErrorCode::INELIGIBLE_REPLICA}) {
    PartitionLeaderState s(leader_params({1, 2}, {1}, 10, 10));
    auto r = s.on_follower_fetch(2, 10, 10, kT0);
    ASSERT_TRUE(r->alter_partition.has_value());
    AlterResponseOutcome o = s.on_alter_partition_response(r->alter_partition->id, error_response(code), kT0);
    EXPECT_EQ(o.action, AlterResponseAction::kRolledBack) << model::error_name(code);
    EXPECT_FALSE(s.alter_partition_in_flight());
    EXPECT_EQ(s.maximal_isr(), (std::vector<int32_t>{1}));
    // It may be proposed again later.
    EXPECT_TRUE(s.maybe_expand_isr(2).has_value());
  }
}

TEST(AlterPartition, FencingErrorsStayPendingUntilMetadata) {
  for (ErrorCode code : {ErrorCode::FENCED_LEADER_EPOCH, ErrorCode::INVALID_UPDATE_VERSION,
                         ErrorCode::NEW_LEADER_ELECTED, ErrorCode::UNKNOWN_TOPIC_OR_PARTITION}) {
    PartitionLeaderState s(leader_params({1, 2}, {1}, 10, 10));
    auto r = s.on_follower_fetch(2, 10, 10, kT0);
    ASSERT_TRUE(r->alter_partition.has_value());
    AlterResponseOutcome o = s.on_alter_partition_response(r->alter_partition->id, error_response(code), kT0);
    EXPECT_EQ(o.action, AlterResponseAction::kAwaitMetadata) << model::error_name(code);
    EXPECT_TRUE(s.alter_partition_in_flight());
    EXPECT_FALSE(s.maybe_expand_isr(2).has_value());
    // The metadata image resolves it.
    MetadataUpdateOutcome m = s.on_metadata_update({5, 8, {1, 2}, {1, 2}}, kT0 + 1);
    EXPECT_TRUE(m.applied);
    EXPECT_FALSE(s.alter_partition_in_flight());
    EXPECT_EQ(s.isr(), (std::vector<int32_t>{1, 2}));
  }
}

TEST(AlterPartition, OtherErrorsAreRetriedWithTheSameProposal) {
  PartitionLeaderState s(leader_params({1, 2}, {1}, 10, 10));
  auto r = s.on_follower_fetch(2, 10, 10, kT0);
  AlterResponseOutcome o =
      s.on_alter_partition_response(r->alter_partition->id, error_response(ErrorCode::REQUEST_TIMED_OUT), kT0);
  EXPECT_EQ(o.action, AlterResponseAction::kRetry);
  ASSERT_TRUE(o.retry.has_value());
  EXPECT_EQ(o.retry->id, r->alter_partition->id);
  EXPECT_EQ(o.retry->new_isr, r->alter_partition->new_isr);
  EXPECT_TRUE(s.alter_partition_in_flight());
}

TEST(AlterPartition, ResponseForAReplacedProposalIsIgnored) {
  PartitionLeaderState s(leader_params({1, 2}, {1}, 10, 10));
  auto r = s.on_follower_fetch(2, 10, 10, kT0);
  uint64_t id = r->alter_partition->id;
  ASSERT_TRUE(s.on_metadata_update({5, 9, {1, 2}, {1, 2}}, kT0).applied);
  AlterResponseOutcome o = s.on_alter_partition_response(id, AlterPartitionResponse{0, 5, 8, {1, 2}}, kT0);
  EXPECT_EQ(o.action, AlterResponseAction::kIgnored);
  EXPECT_EQ(s.partition_epoch(), 9);
}

TEST(AlterPartition, SuccessWithStaleEpochsIsIgnoredAndStaysPending) {
  PartitionLeaderState s(leader_params({1, 2}, {1}, 10, 10));
  auto r = s.on_follower_fetch(2, 10, 10, kT0);
  uint64_t id = r->alter_partition->id;
  EXPECT_EQ(s.on_alter_partition_response(id, AlterPartitionResponse{0, 4, 8, {1, 2}}, kT0).action,
            AlterResponseAction::kIgnored);
  EXPECT_EQ(s.on_alter_partition_response(id, AlterPartitionResponse{0, 5, 6, {1, 2}}, kT0).action,
            AlterResponseAction::kIgnored);
  EXPECT_TRUE(s.alter_partition_in_flight());
  // An equal partition epoch means the controller already had this state: commit.
  EXPECT_EQ(s.on_alter_partition_response(id, AlterPartitionResponse{0, 5, 7, {1, 2}}, kT0).action,
            AlterResponseAction::kCommitted);
}

TEST(AlterPartition, ShrinkProposalCarriesBrokerEpochs) {
  BecomeLeaderParams p = leader_params({1, 2, 3}, {1, 2, 3}, 10, 10);
  p.local_broker_epoch = 100;
  PartitionLeaderState s(p);
  ASSERT_TRUE(s.on_follower_fetch(2, 10, 10, kT0, /*broker_epoch=*/200).ok());
  auto prop = s.maybe_shrink_isr(kT0 + kLagMs + 1);  // 3 never fetched
  ASSERT_TRUE(prop.has_value());
  EXPECT_EQ(prop->new_isr, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(prop->new_isr_broker_epochs, (std::vector<int64_t>{100, 200}));
}

}  // namespace
}  // namespace gregor::replication
