#include "controller/fencing.h"

#include <gtest/gtest.h>

#include "controller/test_cluster.h"

namespace gregor::controller {
namespace {

using testing::partition_changes;
using testing::TestCluster;

TEST(Fencing, AFencedLeadersPartitionsMoveToTheNextIsrMember) {
  TestCluster c({1, 2, 3});
  c.add_topic("t", {{1, 2, 3}, {1, 3, 2}, {2, 1, 3}, {3, 2}});
  auto records = fence_broker(c.image, c.config, 1);
  // Partitions 0-2 hold broker 1 in their ISR; partition 3 does not.
  EXPECT_EQ(partition_changes(records).size(), 3u);
  ASSERT_TRUE(std::holds_alternative<metadata::BrokerRegistrationChangeRecord>(records.back()));
  c.commit(records);
  EXPECT_TRUE(c.broker(1).fenced);
  EXPECT_EQ(c.partition("t", 0).leader, 2);
  EXPECT_EQ(c.partition("t", 0).isr, (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(c.partition("t", 0).leader_epoch, 1);
  EXPECT_EQ(c.partition("t", 1).leader, 3);
  EXPECT_EQ(c.partition("t", 1).isr, (std::vector<int32_t>{3, 2}));
  // A follower leaves the ISR; the leader and its epoch stay.
  EXPECT_EQ(c.partition("t", 2).leader, 2);
  EXPECT_EQ(c.partition("t", 2).isr, (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(c.partition("t", 2).leader_epoch, 0);
  EXPECT_EQ(c.partition("t", 2).partition_epoch, 1);
  EXPECT_EQ(c.partition("t", 3).partition_epoch, 0);
}

TEST(Fencing, TheLastIsrMemberFencedLeavesThePartitionOfflineWhenUncleanIsOff) {
  TestCluster c({1, 2});
  c.add_topic("t", {{1, 2}});
  c.set_isr("t", 0, {1});
  c.commit(fence_broker(c.image, c.config, 1));
  EXPECT_EQ(c.partition("t", 0).leader, -1);
  EXPECT_EQ(c.partition("t", 0).isr, (std::vector<int32_t>{1}));
  EXPECT_EQ(c.partition("t", 0).leader_epoch, 1);
}

TEST(Fencing, TheLastIsrMemberFencedElectsAnyLiveReplicaWhenUncleanIsOnForTheTopic) {
  TestCluster c({1, 2, 3});
  c.add_topic("t", {{1, 2, 3}});
  c.set_isr("t", 0, {1});
  c.set_topic_config("t", "unclean.leader.election.enable", "true");
  c.commit(fence_broker(c.image, c.config, 1));
  EXPECT_EQ(c.partition("t", 0).leader, 2);
  EXPECT_EQ(c.partition("t", 0).isr, (std::vector<int32_t>{2}));
  EXPECT_EQ(c.partition("t", 0).leader_recovery_state, metadata::LeaderRecoveryState::kRecovering);
}

TEST(Fencing, UncleanElectionFollowsTheBrokerDefaultWhenTheTopicHasNoOverride) {
  TestCluster c({1, 2});
  c.add_topic("t", {{1, 2}});
  c.set_isr("t", 0, {1});
  c.config = *metadata::BrokerConfig::create({{"unclean.leader.election.enable", "true"}});
  c.commit(fence_broker(c.image, c.config, 1));
  EXPECT_EQ(c.partition("t", 0).leader, 2);
  c.set_topic_config("t", "unclean.leader.election.enable", "false");
  c.set_isr("t", 0, {2});
  c.commit(fence_broker(c.image, c.config, 2));
  EXPECT_EQ(c.partition("t", 0).leader, -1);
}

TEST(Fencing, UnfencingAnIsrMemberBringsAnOfflinePartitionBack) {
  TestCluster c({1, 2});
  c.add_topic("t", {{1, 2}});
  c.set_isr("t", 0, {1});
  c.commit(fence_broker(c.image, c.config, 1));
  ASSERT_EQ(c.partition("t", 0).leader, -1);
  c.commit(unfence_broker(c.image, c.config, 1));
  EXPECT_FALSE(c.broker(1).fenced);
  EXPECT_EQ(c.partition("t", 0).leader, 1);
  EXPECT_EQ(c.partition("t", 0).leader_epoch, 2);
}

TEST(Fencing, UnfencingABrokerOutsideTheIsrLeavesThePartitionOfflineUnlessUnclean) {
  TestCluster c({1, 2, 3});
  c.add_topic("t", {{1, 2}});
  c.set_isr("t", 0, {1});
  c.commit(fence_broker(c.image, c.config, 1));
  c.commit(fence_broker(c.image, c.config, 2));
  EXPECT_TRUE(partition_changes(unfence_broker(c.image, c.config, 2)).empty());
  c.set_topic_config("t", "unclean.leader.election.enable", "true");
  c.commit(unfence_broker(c.image, c.config, 2));
  EXPECT_EQ(c.partition("t", 0).leader, 2);
  EXPECT_EQ(c.partition("t", 0).isr, (std::vector<int32_t>{2}));
}

TEST(Fencing, ControlledShutdownMovesEveryLeadershipAway) {
  TestCluster c({1, 2, 3});
  c.add_topic("a", {{1, 2, 3}, {1, 3, 2}, {2, 1, 3}, {1, 2}});
  c.add_topic("b", {{1, 3}, {3, 1}});
  auto records = enter_controlled_shutdown(c.image, c.config, 1);
  ASSERT_TRUE(std::holds_alternative<metadata::BrokerRegistrationChangeRecord>(records.front()));
  c.commit(records);
  EXPECT_TRUE(c.broker(1).in_controlled_shutdown);
  EXPECT_FALSE(c.broker(1).fenced);
  EXPECT_FALSE(leads_any_partition(c.image, 1));
  for (const auto& [name, t] : c.image.topics)
    for (const auto& p : t.partitions) EXPECT_FALSE(contains(p.isr, 1)) << name;
  EXPECT_EQ(c.partition("a", 0).leader, 2);
  EXPECT_EQ(c.partition("a", 1).leader, 3);
  EXPECT_EQ(c.partition("b", 0).leader, 3);
  // A second call changes nothing more.
  EXPECT_TRUE(enter_controlled_shutdown(c.image, c.config, 1).empty());
}

TEST(Fencing, UnregisteringRemovesTheBrokerAfterMovingItsLeaderships) {
  TestCluster c({1, 2});
  c.add_topic("t", {{1, 2}});
  auto records = unregister_broker(c.image, c.config, 1);
  ASSERT_TRUE(records.ok());
  c.commit(*records);
  EXPECT_EQ(c.image.find_broker(1), nullptr);
  EXPECT_EQ(c.partition("t", 0).leader, 2);
  EXPECT_EQ(unregister_broker(c.image, c.config, 1).error().code, 102);
}

TEST(Fencing, AStaleBrokerIsFencedOneAtATimeAfterTheSessionTimeout) {
  TestCluster c({1, 2, 3});
  c.add_topic("t", {{1, 2, 3}});
  BrokerHeartbeatManager hb(9000);
  hb.rebuild(c.image, 0);
  hb.touch(3, false, 0, 5000);
  EXPECT_FALSE(maybe_fence_stale_broker(c.image, c.config, hb, 9000).response.has_value());
  auto first = maybe_fence_stale_broker(c.image, c.config, hb, 9001);
  ASSERT_TRUE(first.response.has_value());
  EXPECT_EQ(*first.response, 1);
  c.commit(first.records);
  auto second = maybe_fence_stale_broker(c.image, c.config, hb, 9001);
  ASSERT_EQ(second.response, 2);
  c.commit(second.records);
  EXPECT_FALSE(maybe_fence_stale_broker(c.image, c.config, hb, 9001).response.has_value());
  EXPECT_EQ(c.partition("t", 0).leader, 3);
  EXPECT_EQ(c.partition("t", 0).isr, (std::vector<int32_t>{3}));
  EXPECT_EQ(hb.stale_brokers(14001), (std::vector<int32_t>{3}));
}

}  // namespace
}  // namespace gregor::controller
