#include <gtest/gtest.h>

#include "metadata/records.h"

namespace gregor::metadata {
namespace {

proto::Uuid topic_id() {
  proto::Uuid id;
  id.bytes[0] = 1;
  return id;
}

Image image_with_partition() {
  Image image;
  apply_record(image, TopicRecord{"t", topic_id()});
  apply_record(image, PartitionRecord{0, topic_id(), {1, 2, 3}, {1, 2, 3}, 1, 5, 7});
  return image;
}

RegisterBrokerRecord registration(int32_t id, int64_t epoch) {
  RegisterBrokerRecord r;
  r.broker_id = id;
  r.broker_epoch = epoch;
  r.incarnation_id.bytes[0] = uint8_t(id);
  r.endpoints = {{"PLAINTEXT", "host-" + std::to_string(id), 9092 + id, 0}, {"CONTROLLER", "c", 9093, 0}};
  r.rack = "r1";
  return r;
}

TEST(MetadataReplay, RegisterBrokerAddsAFencedBrokerWithItsEndpointsAndOffset) {
  Image image;
  apply_record(image, registration(2, 10), 123);
  const BrokerInfo* b = image.find_broker(2);
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->registered());
  EXPECT_TRUE(b->fenced);
  EXPECT_FALSE(b->active());
  EXPECT_EQ(b->epoch, 10);
  EXPECT_EQ(b->registration_offset, 123);
  EXPECT_EQ(b->host, "host-2");
  EXPECT_EQ(b->port, 9094);
  ASSERT_NE(b->endpoint("CONTROLLER"), nullptr);
  EXPECT_EQ(b->endpoint("CONTROLLER")->port, 9093);
  EXPECT_EQ(b->rack, "r1");
  EXPECT_EQ(image.max_broker_epoch, 10);
}

TEST(MetadataReplay, FencingChangesApplyOnlyToTheCurrentBrokerEpoch) {
  Image image;
  apply_record(image, registration(1, 4));
  apply_record(image, BrokerRegistrationChangeRecord{1, 3, FencingChange::kUnfence, false});
  EXPECT_TRUE(image.brokers.at(1).fenced);  // stale epoch: ignored
  apply_record(image, BrokerRegistrationChangeRecord{1, 4, FencingChange::kUnfence, false});
  EXPECT_TRUE(image.is_active_broker(1));
  apply_record(image, BrokerRegistrationChangeRecord{1, 4, FencingChange::kNone, true});
  EXPECT_TRUE(image.brokers.at(1).in_controlled_shutdown);
  EXPECT_FALSE(image.is_active_broker(1));
  apply_record(image, FenceBrokerRecord{1, 4});
  EXPECT_TRUE(image.brokers.at(1).fenced);
  apply_record(image, UnfenceBrokerRecord{1, 4});
  EXPECT_FALSE(image.brokers.at(1).fenced);
  // A new registration starts over: fenced, not shutting down.
  apply_record(image, registration(1, 9));
  EXPECT_TRUE(image.brokers.at(1).fenced);
  EXPECT_FALSE(image.brokers.at(1).in_controlled_shutdown);
  apply_record(image, UnregisterBrokerRecord{1, 4});
  EXPECT_NE(image.find_broker(1), nullptr);
  apply_record(image, UnregisterBrokerRecord{1, 9});
  EXPECT_EQ(image.find_broker(1), nullptr);
  EXPECT_EQ(image.max_broker_epoch, 9);  // epochs never go back
}

TEST(MetadataReplay, PartitionChangeWithANewLeaderBumpsBothEpochs) {
  Image image = image_with_partition();
  apply_record(image, PartitionChangeRecord{0, topic_id(), std::vector<int32_t>{2, 3}, 2});
  const auto& p = image.find_topic("t")->partitions[0];
  EXPECT_EQ(p.leader, 2);
  EXPECT_EQ(p.isr, (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(p.replicas, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(p.leader_epoch, 6);
  EXPECT_EQ(p.partition_epoch, 8);
}

TEST(MetadataReplay, PartitionChangeOfTheIsrOnlyBumpsThePartitionEpoch) {
  Image image = image_with_partition();
  apply_record(image, PartitionChangeRecord{0, topic_id(), std::vector<int32_t>{1, 3}});
  const auto& p = image.find_topic("t")->partitions[0];
  EXPECT_EQ(p.leader, 1);
  EXPECT_EQ(p.isr, (std::vector<int32_t>{1, 3}));
  EXPECT_EQ(p.leader_epoch, 5);
  EXPECT_EQ(p.partition_epoch, 8);
}

TEST(MetadataReplay, PartitionChangeNamingTheSameLeaderStillBumpsTheLeaderEpoch) {
  Image image = image_with_partition();
  PartitionChangeRecord c{0, topic_id()};
  c.leader = 1;
  c.replicas = std::vector<int32_t>{1, 2};
  c.leader_recovery_state = 1;
  apply_record(image, c);
  const auto& p = image.find_topic("t")->partitions[0];
  EXPECT_EQ(p.leader_epoch, 6);
  EXPECT_EQ(p.replicas, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(p.leader_recovery_state, LeaderRecoveryState::kRecovering);
}

TEST(MetadataReplay, PartitionChangeForAnUnknownPartitionIsIgnored) {
  Image image = image_with_partition();
  apply_record(image, PartitionChangeRecord{5, topic_id(), std::nullopt, 2});
  proto::Uuid other;
  other.bytes[3] = 3;
  apply_record(image, PartitionChangeRecord{0, other, std::nullopt, 2});
  EXPECT_EQ(image.find_topic("t")->partitions.size(), 1u);
  EXPECT_EQ(image.find_topic("t")->partitions[0].leader, 1);
}

}  // namespace
}  // namespace gregor::metadata
