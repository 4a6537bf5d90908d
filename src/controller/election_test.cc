#include "controller/election.h"

#include <gtest/gtest.h>

#include "controller/test_cluster.h"

namespace gregor::controller {
namespace {

using testing::partition_changes;
using testing::TestCluster;

ElectLeadersRequest request(ElectionType type, std::string topic, std::vector<int32_t> partitions) {
  ElectLeadersRequest r;
  r.type = type;
  r.topic_partitions = std::vector<ElectLeadersRequest::TopicPartitions>{{std::move(topic), std::move(partitions)}};
  return r;
}

TEST(ElectLeaders, PreferredElectionMovesLeadershipBackToTheFirstReplica) {
  TestCluster c({1, 2, 3});
  c.add_topic("t", {{1, 2, 3}, {2, 3, 1}}, {2, 2});
  auto r = elect_leaders(c.image, c.config, request(ElectionType::kPreferred, "t", {0, 1}));
  ASSERT_EQ(r.response.results.size(), 1u);
  const auto& parts = r.response.results[0].partitions;
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].error, 0);
  EXPECT_EQ(parts[1].error, 84);  // 2 already leads partition 1
  c.commit(r.records);
  EXPECT_EQ(c.partition("t", 0).leader, 1);
  EXPECT_EQ(c.partition("t", 0).leader_epoch, 1);
}

TEST(ElectLeaders, PreferredLeaderFencedOrOutOfTheIsrIsNotAvailable) {
  TestCluster c({1, 2, 3});
  c.add_topic("t", {{1, 2, 3}, {1, 2, 3}}, {2, 2});
  c.set_isr("t", 1, {2, 3});
  c.image.brokers.at(1).fenced = true;
  auto r = elect_leaders(c.image, c.config, request(ElectionType::kPreferred, "t", {0, 1}));
  EXPECT_EQ(r.response.results[0].partitions[0].error, 80);
  EXPECT_EQ(r.response.results[0].partitions[1].error, 80);
  EXPECT_TRUE(r.records.empty());
}

TEST(ElectLeaders, UnknownTopicOrPartitionIsNamed) {
  TestCluster c({1});
  c.add_topic("t", {{1}});
  auto r = elect_leaders(c.image, c.config, request(ElectionType::kPreferred, "nope", {0}));
  EXPECT_EQ(r.response.results[0].partitions[0].error, 3);
  EXPECT_EQ(r.response.results[0].partitions[0].message, "No such topic as nope");
  auto p = elect_leaders(c.image, c.config, request(ElectionType::kPreferred, "t", {4}));
  EXPECT_EQ(p.response.results[0].partitions[0].error, 3);
}

TEST(ElectLeaders, UncleanElectionIsOnlyForLeaderlessPartitionsAndMayLoseData) {
  TestCluster c({1, 2, 3});
  c.add_topic("t", {{1, 2, 3}, {1, 2}}, {-1, 1});
  c.set_isr("t", 0, {1});
  c.image.brokers.at(1).fenced = true;
  auto r = elect_leaders(c.image, c.config, request(ElectionType::kUnclean, "t", {0, 1}));
  EXPECT_EQ(r.response.results[0].partitions[0].error, 0);
  EXPECT_EQ(r.response.results[0].partitions[1].error, 84);
  c.commit(r.records);
  EXPECT_EQ(c.partition("t", 0).leader, 2);
  EXPECT_EQ(c.partition("t", 0).isr, (std::vector<int32_t>{2}));
  EXPECT_EQ(c.partition("t", 0).leader_recovery_state, metadata::LeaderRecoveryState::kRecovering);
}

TEST(ElectLeaders, UncleanElectionWithNoLiveReplicaFindsNoEligibleLeader) {
  TestCluster c({1, 2, 3});
  c.add_topic("t", {{1, 2}}, {-1});
  c.image.brokers.at(1).fenced = true;
  c.image.brokers.at(2).fenced = true;
  auto r = elect_leaders(c.image, c.config, request(ElectionType::kUnclean, "t", {0}));
  EXPECT_EQ(r.response.results[0].partitions[0].error, 83);
}

TEST(ElectLeaders, AllPartitionsLeavesOutThoseNotNeedingAnElection) {
  TestCluster c({1, 2});
  c.add_topic("a", {{1, 2}, {2, 1}}, {2, 2});
  c.add_topic("b", {{1, 2}});
  ElectLeadersRequest all;
  auto r = elect_leaders(c.image, c.config, all);
  ASSERT_EQ(r.response.results.size(), 2u);
  EXPECT_EQ(r.response.results[0].topic, "a");
  ASSERT_EQ(r.response.results[0].partitions.size(), 1u);
  EXPECT_EQ(r.response.results[0].partitions[0].partition_id, 0);
  EXPECT_TRUE(r.response.results[1].partitions.empty());
  EXPECT_EQ(r.records.size(), 1u);
}

TEST(LeaderRebalance, ImbalanceAboveThePercentageElectsPreferredLeadersThatAreLiveAndInSync) {
  TestCluster c({1, 2, 3});
  // Broker 1 is preferred for 4 partitions but leads none; 3 of them can move back.
  c.add_topic("t", {{1, 2}, {1, 2}, {1, 3}, {1, 3}, {2, 1}, {3, 1}}, {2, 2, 3, 3, 2, 3});
  c.set_isr("t", 3, {3});
  auto imbalance = leader_imbalance(c.image);
  ASSERT_EQ(imbalance.size(), 3u);
  EXPECT_EQ(imbalance[0].broker_id, 1);
  EXPECT_EQ(imbalance[0].preferred, 4);
  EXPECT_EQ(imbalance[0].not_leading, 4);
  auto r = rebalance_leaders(c.image, c.config);
  EXPECT_FALSE(r.response);
  auto changes = partition_changes(r.records);
  ASSERT_EQ(changes.size(), 3u);
  for (const auto& ch : changes) EXPECT_EQ(ch.leader, 1);
  c.commit(r.records);
  EXPECT_EQ(c.partition("t", 3).leader, 3);  // 1 is not in its ISR
  EXPECT_TRUE(rebalance_leaders(c.image, c.config).records.empty());  // 1/4 = 25% > 10%, but nothing can move
}

TEST(LeaderRebalance, ImbalanceWithinThePercentageOrDisabledDoesNothing) {
  TestCluster c({1, 2});
  std::vector<std::vector<int32_t>> replicas(10, std::vector<int32_t>{1, 2});
  std::vector<int32_t> leaders(10, 1);
  leaders[0] = 2;
  c.add_topic("t", replicas, leaders);  // 1 of 10 = 10%: not above the threshold
  EXPECT_TRUE(rebalance_leaders(c.image, c.config).records.empty());
  c.config = *metadata::BrokerConfig::create({{"leader.imbalance.per.broker.percentage", "5"}});
  EXPECT_EQ(rebalance_leaders(c.image, c.config).records.size(), 1u);
  c.config = *metadata::BrokerConfig::create(
      {{"leader.imbalance.per.broker.percentage", "5"}, {"auto.leader.rebalance.enable", "false"}});
  EXPECT_TRUE(rebalance_leaders(c.image, c.config).records.empty());
}

TEST(LeaderRebalance, AtMostMaxElectionsAreReturnedAndTheRestReported) {
  TestCluster c({1, 2});
  c.add_topic("t", {{1, 2}, {1, 2}, {1, 2}}, {2, 2, 2});
  auto r = rebalance_leaders(c.image, c.config, 2);
  EXPECT_EQ(r.records.size(), 2u);
  EXPECT_TRUE(r.response);
}

}  // namespace
}  // namespace gregor::controller
