#include "metadata/records.h"

#include <gtest/gtest.h>

namespace gregor::metadata {
namespace {

TEST(MetadataRecords, EveryRecordTypeRoundTrips) {
  proto::Uuid id;
  id.bytes[3] = 7;
  std::vector<MetadataRecord> records = {
      TopicRecord{"orders", id},
      PartitionRecord{2, id, {1, 2}, {1}, 1, 4, 5},
      ConfigRecord{ResourceType::kTopic, "orders", "retention.ms", std::string("1000")},
      ConfigRecord{ResourceType::kBroker, "", "log.retention.ms", std::nullopt},
      RemoveTopicRecord{id},
      ProducerIdsRecord{1, 5000},
      UnregisterBrokerRecord{3, 17},
      FenceBrokerRecord{2, 9},
      UnfenceBrokerRecord{2, 9},
      BrokerRegistrationChangeRecord{1, 4, FencingChange::kFence, false},
      BrokerRegistrationChangeRecord{1, 4, FencingChange::kUnfence, true},
      BrokerRegistrationChangeRecord{1, 4, FencingChange::kNone, false},
  };
  for (const auto& r : records) {
    auto bytes = encode_record(r);
    auto back = decode_record(bytes);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, r);
  }
}

TEST(MetadataRecords, RegisterBrokerRoundTripsWithEndpointsFeaturesAndLogDirs) {
  RegisterBrokerRecord r;
  r.broker_id = 2;
  r.incarnation_id.bytes[15] = 9;
  r.broker_epoch = 42;
  r.endpoints = {{"PLAINTEXT", "host-2", 9092, 0}, {"SSL", "host-2", 65535, 1}};
  r.features = {{"metadata.version", 1, 25}};
  r.rack = "rack-a";
  r.fenced = false;
  r.in_controlled_shutdown = true;
  proto::Uuid dir;
  dir.bytes[0] = 5;
  r.log_dirs = {dir};
  auto back = decode_record(encode_record(r));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(std::get<RegisterBrokerRecord>(*back), r);
  r.rack = std::nullopt;
  r.log_dirs.clear();
  EXPECT_EQ(std::get<RegisterBrokerRecord>(*decode_record(encode_record(r))), r);
}

TEST(MetadataRecords, PartitionChangeWritesOnlyTheFieldsThatChanged) {
  proto::Uuid id;
  id.bytes[1] = 1;
  PartitionChangeRecord none{3, id};
  PartitionChangeRecord all{3, id, std::vector<int32_t>{1, 2}, 2, std::vector<int32_t>{2, 1, 3},
                            std::vector<int32_t>{3}, std::vector<int32_t>{}, 1};
  PartitionChangeRecord leaderless{3, id, std::nullopt, kNoLeader};
  for (const auto& r : {none, all, leaderless}) {
    auto back = decode_record(encode_record(r));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(std::get<PartitionChangeRecord>(*back), r);
  }
  // frame, type, version, partition id (4), uuid (16), empty tag section (1)
  EXPECT_EQ(encode_record(none).size(), 3u + 4 + 16 + 1);
}

TEST(MetadataRecords, UnknownTaggedFieldsOfNewerVersionsAreSkipped) {
  // A PartitionChangeRecord v2 with the leader (tag 1) and an eligible-leader-replicas list (tag 7).
  Bytes b{1, 5, 2, 0, 0, 0, 4};
  b.insert(b.end(), 16, 0);
  b.insert(b.end(), {2, 1, 4, 0, 0, 0, 7, 7, 5, 2, 0, 0, 0, 1});
  auto back = decode_record(b);
  ASSERT_TRUE(back.ok()) << back.error().message;
  const auto& c = std::get<PartitionChangeRecord>(*back);
  EXPECT_EQ(c.partition_id, 4);
  EXPECT_EQ(c.leader, 7);
  EXPECT_FALSE(c.isr.has_value());
  Bytes v4{1, 5, 4};  // a version this code does not know
  EXPECT_FALSE(decode_record(v4).ok());
}

TEST(MetadataRecords, NonFlexibleBrokerRecordsHaveNoTagSection) {
  // Kafka's UnregisterBroker/FenceBroker/UnfenceBroker are not flexible: header + int32 + int64.
  EXPECT_EQ(encode_record(FenceBrokerRecord{1, 2}).size(), 3u + 4 + 8);
  EXPECT_EQ(encode_record(UnregisterBrokerRecord{1, 2}).size(), 3u + 4 + 8);
}

TEST(MetadataRecords, TruncatedOrUnknownRecordsAreErrors) {
  RegisterBrokerRecord reg;
  reg.endpoints = {{"PLAINTEXT", "h", 1, 0}};
  proto::Uuid id;
  for (const MetadataRecord& r : std::vector<MetadataRecord>{
           TopicRecord{"orders", {}}, reg, FenceBrokerRecord{1, 2},
           PartitionChangeRecord{1, id, std::vector<int32_t>{1}, 1},
           BrokerRegistrationChangeRecord{1, 4, FencingChange::kFence, true}}) {
    auto bytes = encode_record(r);
    for (size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(decode_record(ByteView(bytes.data(), n)).ok()) << n;
  }
  Bytes unknown{1, 99, 0, 0};
  EXPECT_FALSE(decode_record(unknown).ok());
}

TEST(MetadataRecords, ReplayBuildsTopicsAndRemovesThem) {
  proto::Uuid id;
  id.bytes[0] = 1;
  Image image;
  apply_record(image, TopicRecord{"t", id});
  apply_record(image, PartitionRecord{0, id, {1}, {1}, 1, 0, 0});
  apply_record(image, PartitionRecord{1, id, {1}, {1}, 1, 0, 0});
  apply_record(image, ConfigRecord{ResourceType::kTopic, "t", "segment.bytes", std::string("1048576")});
  ASSERT_NE(image.find_topic("t"), nullptr);
  EXPECT_EQ(image.find_topic("t")->partitions.size(), 2u);
  EXPECT_EQ(image.find_topic(id)->configs.at("segment.bytes"), "1048576");
  apply_record(image, RemoveTopicRecord{id});
  EXPECT_EQ(image.find_topic("t"), nullptr);
  EXPECT_EQ(image.find_topic(id), nullptr);
}

}  // namespace
}  // namespace gregor::metadata
