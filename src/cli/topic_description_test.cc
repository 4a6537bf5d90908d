#include "cli/topic_description.h"

#include <gtest/gtest.h>

namespace gregor::cli {
namespace {

TEST(TopicDescription, MatchesKafkaTopicsDescribeLayout) {
  TopicInfo t;
  t.name = "orders";
  t.partitions = {PartitionInfo{0, 1, {1, 2, 3}, {1, 2}}, PartitionInfo{1, -1, {2, 3, 1}, {}}};
  t.configs = {{"cleanup.policy", "compact"}, {"segment.bytes", "1048576"}};
  EXPECT_EQ(format_topic_description(t),
            "Topic: orders\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: cleanup.policy=compact,segment.bytes=1048576\n"
            "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2\n"
            "\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,3,1\tIsr: \n");
}

TEST(TopicDescription, NoConfigsAndNoPartitions) {
  TopicInfo t;
  t.name = "empty";
  EXPECT_EQ(format_topic_description(t), "Topic: empty\tPartitionCount: 0\tReplicationFactor: 0\tConfigs: \n");
}

TEST(TopicDescription, ListIsOneNamePerLine) {
  std::vector<TopicInfo> topics(2);
  topics[0].name = "a";
  topics[1].name = "b";
  EXPECT_EQ(format_topic_list(topics), "a\nb\n");
  EXPECT_EQ(format_topic_list({}), "");
}

}  // namespace
}  // namespace gregor::cli
