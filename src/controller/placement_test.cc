#include "controller/placement.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "controller/test_cluster.h"

namespace gregor::controller {
namespace {

std::vector<UsableBroker> unfenced(std::vector<int32_t> ids) {
  std::vector<UsableBroker> out;
  for (int32_t id : ids) out.push_back({id, false});
  return out;
}

void expect_distinct_replicas(const Assignment& a) {
  for (const auto& replicas : a) EXPECT_EQ(std::set<int32_t>(replicas.begin(), replicas.end()).size(), replicas.size());
}

TEST(Placement, TwelvePartitionsRf3OnThreeBrokersGiveEachFourLeadersAndTwelveReplicas) {
  for (uint64_t seed : {0ull, 1ull, 7ull, 0x123456789abcdefull}) {
    auto a = place_replicas(unfenced({1, 2, 3}), 12, 3, 0, seed);
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_EQ(a->size(), 12u);
    std::map<int32_t, int> leaders, replicas;
    for (const auto& r : *a) {
      ASSERT_EQ(r.size(), 3u);
      ++leaders[r.front()];
      for (int32_t b : r) ++replicas[b];
    }
    expect_distinct_replicas(*a);
    EXPECT_EQ(leaders, (std::map<int32_t, int>{{1, 4}, {2, 4}, {3, 4}})) << "seed " << seed;
    EXPECT_EQ(replicas, (std::map<int32_t, int>{{1, 12}, {2, 12}, {3, 12}}));
  }
}

TEST(Placement, FollowersOfOneLeaderAreSpreadOverTheOtherBrokers) {
  auto a = place_replicas(unfenced({1, 2, 3, 4, 5}), 20, 2, 0, 3);
  ASSERT_TRUE(a.ok());
  std::map<int32_t, std::set<int32_t>> followers_of;
  std::map<int32_t, int> leaders;
  for (const auto& r : *a) {
    followers_of[r[0]].insert(r[1]);
    ++leaders[r[0]];
  }
  for (const auto& [leader, followers] : followers_of) {
    EXPECT_EQ(leaders[leader], 4);
    EXPECT_GE(followers.size(), 3u) << "leader " << leader;  // shifted every round
  }
}

TEST(Placement, ReplicationFactorAboveTheRegisteredBrokersIsRefusedWithKafkasMessage) {
  auto a = place_replicas(unfenced({1, 2}), 3, 3, 0, 0);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, 38);
  EXPECT_EQ(a.error().message, "Unable to replicate the partition 3 time(s): The target replication factor of 3 "
                               "cannot be reached because only 2 broker(s) are registered.");
  EXPECT_EQ(place_replicas(unfenced({1, 2}), 3, 0, 0, 0).error().code, 38);
}

TEST(Placement, AllFencedBrokersIsAnInvalidReplicationFactor) {
  auto a = place_replicas({{1, true}, {2, true}}, 1, 1, 0, 0);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message, "Unable to replicate the partition 1 time(s): All brokers are currently fenced.");
}

TEST(Placement, FencedBrokersAreUsedOnlyAfterTheUnfencedAndNeverFirst) {
  auto a = place_replicas({{1, false}, {2, true}, {3, false}}, 6, 3, 0, 5);
  ASSERT_TRUE(a.ok());
  for (const auto& r : *a) {
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r.back(), 2);
  }
  auto b = place_replicas({{1, false}, {2, true}, {3, false}}, 6, 2, 0, 5);
  for (const auto& r : *b) EXPECT_TRUE(r[0] != 2 && r[1] != 2);
}

TEST(Placement, NewPartitionsContinueTheRoundRobin) {
  // Growing a topic from 3 to 6 partitions places the new ones as if placed at once.
  auto all = place_replicas(unfenced({1, 2, 3}), 6, 2, 0, 11);
  auto tail = place_replicas(unfenced({1, 2, 3}), 3, 2, 3, 11);
  ASSERT_TRUE(all.ok() && tail.ok());
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ((*tail)[i], (*all)[i + 3]);
}

TEST(Placement, BrokersInControlledShutdownAreNotUsable) {
  testing::TestCluster c({1, 2, 3});
  c.image.brokers.at(2).in_controlled_shutdown = true;
  c.image.brokers.at(3).fenced = true;
  auto usable = usable_brokers(c.image);
  ASSERT_EQ(usable.size(), 2u);
  EXPECT_EQ(usable[0].id, 1);
  EXPECT_FALSE(usable[0].fenced);
  EXPECT_EQ(usable[1].id, 3);
  EXPECT_TRUE(usable[1].fenced);
}

TEST(Placement, InitialStateLeadsWithTheFirstActiveReplica) {
  testing::TestCluster c({1, 2, 3});
  c.image.brokers.at(2).fenced = true;
  auto st = initial_partition_state(c.image, {2, 3, 1}, 3);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->leader, 3);
  EXPECT_EQ(st->isr, (std::vector<int32_t>{3, 1}));
  c.image.brokers.at(1).fenced = true;
  c.image.brokers.at(3).fenced = true;
  EXPECT_EQ(initial_partition_state(c.image, {2, 3, 1}, 3).error().code, 38);
}

}  // namespace
}  // namespace gregor::controller
