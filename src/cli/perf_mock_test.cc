// perf produce / perf consume / topics list end to end against librdkafka's in-process mock
// cluster (rdkafka_mock.h), so the client paths run without a Gregor broker.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>  // After rdkafka.h, which it requires.

#include <string>

#include "cli/kafka_client.h"
#include "cli/perf_consume.h"
#include "cli/perf_produce.h"
#include "cli/topics_command.h"

namespace gregor::cli {
namespace {

class MockClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char errstr[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof errstr);
    host_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr));
    ASSERT_TRUE(host_);
    cluster_ = rd_kafka_mock_cluster_new(host_.get(), 1);
    ASSERT_NE(cluster_, nullptr);
    ASSERT_EQ(rd_kafka_mock_topic_create(cluster_, "perf", 3, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
    bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
  }
  void TearDown() override {
    if (cluster_) rd_kafka_mock_cluster_destroy(cluster_);
  }

  ClientHandle host_;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
};

TEST_F(MockClusterTest, ProducedRecordsAreAllConsumed) {
  PerfProduceOptions produce;
  produce.topic = "perf";
  produce.bootstrap_server = bootstrap_;
  produce.record_size = 100;
  produce.num_records = 3000;
  produce.compression = "lz4";
  produce.linger_ms = 1;
  produce.output = "json";
  testing::internal::CaptureStdout();
  EXPECT_EQ(run_perf_produce(produce), 0);
  const std::string produced = testing::internal::GetCapturedStdout();
  EXPECT_EQ(produced.rfind("{\"records\":3000,\"bytes\":300000,\"errors\":0,", 0), 0u) << produced;
  EXPECT_EQ(produced.back(), '\n');

  PerfConsumeOptions consume;
  consume.topic = "perf";
  consume.bootstrap_server = bootstrap_;
  consume.num_records = 3000;
  consume.output = "json";
  testing::internal::CaptureStdout();
  EXPECT_EQ(run_perf_consume(consume), 0);
  const std::string consumed = testing::internal::GetCapturedStdout();
  EXPECT_EQ(consumed.rfind("{\"records\":3000,\"bytes\":300000,", 0), 0u) << consumed;

  consume.num_records = 3001;  // One more than there is: gives up after the idle timeout.
  consume.timeout_ms = 1500;
  consume.output = "text";
  testing::internal::CaptureStdout();
  EXPECT_EQ(run_perf_consume(consume), 1);
  const std::string text = testing::internal::GetCapturedStdout();
  EXPECT_NE(text.find(", 3000, "), std::string::npos) << text;
}

TEST_F(MockClusterTest, DurationRunThrottledPrintsProgressAndFinalLine) {
  PerfProduceOptions produce;
  produce.topic = "perf";
  produce.bootstrap_server = bootstrap_;
  produce.record_size = 10;
  produce.duration_s = 1.0;
  produce.throughput = 200;
  produce.report_interval_ms = 400;
  testing::internal::CaptureStdout();
  EXPECT_EQ(run_perf_produce(produce), 0);
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("records/sec"), std::string::npos);
  EXPECT_NE(out.find("ms 99.9th.\n"), std::string::npos) << out;
  const unsigned long sent = std::stoul(out.substr(out.rfind('\n', out.size() - 2) + 1));
  EXPECT_GE(sent, 150u);  // About 200 records in one second at 200 records/s.
  EXPECT_LE(sent, 201u);
}

TEST_F(MockClusterTest, ProducingToAMissingTopicFailsFast) {
  PerfProduceOptions produce;
  produce.topic = "absent";
  produce.bootstrap_server = bootstrap_;
  produce.num_records = 10;
  EXPECT_EQ(run_perf_produce(produce), 1);
  PerfConsumeOptions consume;
  consume.topic = "absent";
  consume.bootstrap_server = bootstrap_;
  consume.num_records = 1;
  EXPECT_EQ(run_perf_consume(consume), 1);
}

TEST_F(MockClusterTest, TopicsListShowsTheClustersTopics) {
  TopicsListOptions list;
  list.conn.bootstrap_server = bootstrap_;
  list.conn.timeout_ms = 5000;
  testing::internal::CaptureStdout();
  EXPECT_EQ(run_topics_list(list), 0);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "perf\n");
}

}  // namespace
}  // namespace gregor::cli
