#include "controller/alter_partition.h"

#include <gtest/gtest.h>

#include "controller/test_cluster.h"

namespace gregor::controller {
namespace {

using testing::TestCluster;

struct AlterPartitionTest : ::testing::Test {
  TestCluster c{{1, 2, 3, 4}};
  proto::Uuid id = c.add_topic("t", {{1, 2, 3}, {2, 3, 1}});

  // Broker `sender` asks for partition `p` to have ISR `isr`, with the current epochs.
  AlterPartitionRequest request(int32_t sender, int32_t p, std::vector<int32_t> isr) {
    AlterPartitionRequest r;
    r.broker_id = sender;
    r.broker_epoch = c.broker(sender).epoch;
    auto& t = r.topics.emplace_back();
    t.topic_id = id;
    auto& d = t.partitions.emplace_back();
    d.partition_index = p;
    d.leader_epoch = c.partition("t", p).leader_epoch;
    d.partition_epoch = c.partition("t", p).partition_epoch;
    for (int32_t b : isr) d.new_isr.push_back({b, -1});
    return r;
  }
  int16_t error_of(const AlterPartitionRequest& r) {
    auto res = alter_partition(c.image, c.config, r);
    EXPECT_EQ(res.response.error, 0);
    EXPECT_TRUE(res.records.empty());
    return res.response.topics.at(0).partitions.at(0).error;
  }
};

TEST_F(AlterPartitionTest, AShrinkIsWrittenWithTheNextPartitionEpochAndTheSameLeaderEpoch) {
  auto res = alter_partition(c.image, c.config, request(1, 0, {1, 3}));
  ASSERT_EQ(res.records.size(), 1u);
  const auto& out = res.response.topics.at(0).partitions.at(0);
  EXPECT_EQ(out.error, 0);
  EXPECT_EQ(out.leader_id, 1);
  EXPECT_EQ(out.leader_epoch, 0);
  EXPECT_EQ(out.partition_epoch, 1);
  EXPECT_EQ(out.isr, (std::vector<int32_t>{1, 3}));
  c.commit(res.records);
  EXPECT_EQ(c.partition("t", 0).isr, (std::vector<int32_t>{1, 3}));
  EXPECT_EQ(c.partition("t", 0).partition_epoch, 1);
  EXPECT_EQ(c.partition("t", 0).leader_epoch, 0);
  // Expanding back works from the new partition epoch.
  auto expand = alter_partition(c.image, c.config, request(1, 0, {1, 3, 2}));
  EXPECT_EQ(expand.response.topics[0].partitions[0].partition_epoch, 2);
}

TEST_F(AlterPartitionTest, AStaleBrokerEpochRefusesTheWholeRequest) {
  auto r = request(1, 0, {1, 3});
  r.broker_epoch = 3;
  auto res = alter_partition(c.image, c.config, r);
  EXPECT_EQ(res.response.error, 77);
  EXPECT_TRUE(res.records.empty());
}

TEST_F(AlterPartitionTest, UnknownTopicIdOrPartitionIsReported) {
  auto r = request(1, 0, {1, 3});
  r.topics[0].topic_id.bytes[3] = 99;
  EXPECT_EQ(error_of(r), 100);
  r.version = 1;
  r.topics[0].topic_name = "nope";
  EXPECT_EQ(error_of(r), 3);
  auto p = request(1, 0, {1, 3});
  p.topics[0].partitions[0].partition_index = 9;
  EXPECT_EQ(error_of(p), 3);
}

TEST_F(AlterPartitionTest, AnOldLeaderEpochIsFencedAndANewerOneMeansNotController) {
  auto r = request(1, 0, {1, 3});
  r.topics[0].partitions[0].leader_epoch = -1;
  EXPECT_EQ(error_of(r), 74);
  r.topics[0].partitions[0].leader_epoch = 5;
  EXPECT_EQ(error_of(r), 41);
}

TEST_F(AlterPartitionTest, ARequestFromANonLeaderIsInvalid) { EXPECT_EQ(error_of(request(2, 0, {2, 3})), 42); }

TEST_F(AlterPartitionTest, AnOldPartitionEpochIsAnInvalidUpdateVersion) {
  c.commit(alter_partition(c.image, c.config, request(1, 0, {1, 3})).records);
  auto r = request(1, 0, {1, 2});
  r.topics[0].partitions[0].partition_epoch = 0;
  EXPECT_EQ(error_of(r), 95);
}

TEST_F(AlterPartitionTest, TheIsrMustHoldOnlyReplicasOnceAndTheLeader) {
  EXPECT_EQ(error_of(request(1, 0, {1, 4})), 42);
  EXPECT_EQ(error_of(request(1, 0, {1, 2, 2})), 42);
  EXPECT_EQ(error_of(request(1, 0, {2, 3})), 42);
}

TEST_F(AlterPartitionTest, FencedShuttingDownOrWrongEpochMembersAreIneligible) {
  c.image.brokers.at(3).fenced = true;
  EXPECT_EQ(error_of(request(1, 0, {1, 3})), 107);
  c.image.brokers.at(3).fenced = false;
  c.image.brokers.at(3).in_controlled_shutdown = true;
  EXPECT_EQ(error_of(request(1, 0, {1, 3})), 107);
  c.image.brokers.at(3).in_controlled_shutdown = false;
  auto r = request(1, 0, {1, 3});
  r.topics[0].partitions[0].new_isr[1].broker_epoch = 1;
  EXPECT_EQ(error_of(r), 107);
  r.topics[0].partitions[0].new_isr[1].broker_epoch = c.broker(3).epoch;
  EXPECT_EQ(alter_partition(c.image, c.config, r).response.topics[0].partitions[0].error, 0);
}

TEST_F(AlterPartitionTest, RecoveringWithMoreThanOneIsrMemberIsInvalid) {
  auto r = request(1, 0, {1, 3});
  r.topics[0].partitions[0].leader_recovery_state = 1;
  EXPECT_EQ(error_of(r), 42);
}

TEST_F(AlterPartitionTest, ALeaderInControlledShutdownCannotKeepItselfInTheIsr) {
  c.image.brokers.at(1).in_controlled_shutdown = true;
  EXPECT_EQ(error_of(request(1, 0, {1, 2, 3})), 107);
}

}  // namespace
}  // namespace gregor::controller
