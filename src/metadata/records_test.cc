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
  };
  for (const auto& r : records) {
    auto bytes = encode_record(r);
    auto back = decode_record(bytes);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, r);
  }
}

TEST(MetadataRecords, TruncatedOrUnknownRecordsAreErrors) {
  auto bytes = encode_record(TopicRecord{"orders", {}});
  for (size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(decode_record(ByteView(bytes.data(), n)).ok());
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
