#include "controller/partition_change.h"

#include <gtest/gtest.h>

#include <set>

namespace gregor::controller {
namespace {

using metadata::kNoLeader;
using metadata::kNoLeaderChange;

metadata::PartitionInfo partition(std::vector<int32_t> replicas, std::vector<int32_t> isr, int32_t leader) {
  metadata::PartitionInfo p;
  p.replicas = std::move(replicas);
  p.isr = std::move(isr);
  p.leader = leader;
  p.leader_epoch = 3;
  p.partition_epoch = 8;
  return p;
}

auto active_set(std::set<int32_t> ids) {
  return [ids](int32_t id) { return ids.count(id) != 0; };
}

TEST(PartitionChange, NothingToChangeBuildsNoRecord) {
  auto p = partition({1, 2, 3}, {1, 2, 3}, 1);
  EXPECT_FALSE(PartitionChangeBuilder(p, {}, 0, active_set({1, 2, 3})).build().has_value());
}

TEST(PartitionChange, AnIsrShrinkKeepsTheLeaderAndItsEpoch) {
  auto p = partition({1, 2, 3}, {1, 2, 3}, 1);
  auto rec = PartitionChangeBuilder(p, {}, 0, active_set({1, 2, 3})).set_target_isr({1, 3}).build();
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->leader, kNoLeaderChange);
  EXPECT_EQ(rec->isr, (std::vector<int32_t>{1, 3}));
  metadata::merge_partition_change(p, *rec);
  EXPECT_EQ(p.leader_epoch, 3);
  EXPECT_EQ(p.partition_epoch, 9);
}

TEST(PartitionChange, AnUnacceptableLeaderIsReplacedByTheFirstIsrMemberInAssignmentOrder) {
  auto p = partition({1, 2, 3}, {3, 2, 1}, 1);
  auto rec = PartitionChangeBuilder(p, {}, 0, active_set({2, 3})).set_target_isr({3, 2}).build();
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->leader, 2);
  EXPECT_EQ(rec->isr, (std::vector<int32_t>{3, 2}));
  metadata::merge_partition_change(p, *rec);
  EXPECT_EQ(p.leader_epoch, 4);
}

TEST(PartitionChange, AnEmptyTargetIsrIsNotWrittenAndThePartitionGoesOffline) {
  auto p = partition({1, 2}, {1}, 1);
  auto rec = PartitionChangeBuilder(p, {}, 0, active_set({2})).set_target_isr({}).build();
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->leader, kNoLeader);
  EXPECT_FALSE(rec->isr.has_value());
}

TEST(PartitionChange, UncleanElectionTakesAnyActiveReplicaAndMarksItRecovering) {
  auto p = partition({1, 2}, {1}, 1);
  auto rec = PartitionChangeBuilder(p, {}, 0, active_set({2}))
                 .set_target_isr({})
                 .set_election(Election::kUnclean)
                 .build();
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->leader, 2);
  EXPECT_EQ(rec->isr, (std::vector<int32_t>{2}));
  EXPECT_EQ(rec->leader_recovery_state, 1);
}

TEST(PartitionChange, PreferredElectionPicksTheFirstReplicaOnlyWhenInTheIsrAndActive) {
  auto p = partition({1, 2, 3}, {1, 2, 3}, 2);
  auto rec = PartitionChangeBuilder(p, {}, 0, active_set({1, 2, 3})).set_election(Election::kPreferred).build();
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->leader, 1);
  auto out_of_isr = partition({1, 2, 3}, {2, 3}, 2);
  EXPECT_FALSE(PartitionChangeBuilder(out_of_isr, {}, 0, active_set({1, 2, 3}))
                   .set_election(Election::kPreferred)
                   .build()
                   .has_value());
  EXPECT_FALSE(PartitionChangeBuilder(p, {}, 0, active_set({2, 3})).set_election(Election::kPreferred).build());
}

TEST(PartitionChange, DroppingAReplicaBumpsTheLeaderEpochEvenWithTheSameLeader) {
  auto p = partition({1, 2, 3}, {1, 2, 3}, 1);
  auto rec = PartitionChangeBuilder(p, {}, 0, active_set({1, 2, 3})).set_target_replicas({1, 2}).set_target_isr({1, 2}).build();
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->leader, 1);
  EXPECT_EQ(rec->replicas, (std::vector<int32_t>{1, 2}));
}

}  // namespace
}  // namespace gregor::controller
