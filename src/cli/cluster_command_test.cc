// `gregor cluster describe` formatting and `gregor dev-cluster` configuration (no broker).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/cluster_command.h"
#include "cli/dev_cluster.h"

namespace gregor::cli {
namespace {

ClusterView sample() {
  ClusterView v;
  v.cluster_id = "abc";
  v.controller_id = 2;
  v.brokers = {{1, "127.0.0.1", 9092, std::nullopt}, {2, "127.0.0.1", 9093, std::string("r2")}};
  v.quorum_leader = 2;
  v.quorum_epoch = 7;
  v.quorum_high_watermark = 100;
  v.voters = {{1, 90, 9000, 8000}, {2, 100, -1, -1}, {3, 100, 9950, 9950}};
  v.topic_count = 2;
  v.partition_count = 4;
  v.unhealthy = {{"orders", 1, -1, 4, {3}, {3}, {3}}, {"logs", 0, 1, 2, {1, 3}, {1}, {3}}};
  v.now_ms = 10000;
  return v;
}

TEST(ClusterDescribeFormat, TextShowsQuorumLagAndUnhealthyPartitions) {
  auto text = format_cluster_text(sample());
  EXPECT_NE(text.find("ClusterId: abc"), std::string::npos);
  EXPECT_NE(text.find("Controller quorum: leader 2, epoch 7, high watermark 100"), std::string::npos);
  EXPECT_NE(text.find("1    Follower 90             10  1000 ms    2000 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("Partitions: 4 in 2 topic(s); 1 offline, 1 under-replicated"), std::string::npos) << text;
  EXPECT_NE(text.find("orders 1         Offline"), std::string::npos) << text;
  EXPECT_NE(text.find("UnderReplicated"), std::string::npos);
}

TEST(ClusterDescribeFormat, JsonCarriesTheSameFacts) {
  auto j = nlohmann::json::parse(format_cluster_json(sample()));
  EXPECT_EQ(j["quorum"]["leader"], 2);
  EXPECT_EQ(j["quorum"]["voters"][0]["lag"], 10);
  EXPECT_EQ(j["unhealthy_partitions"][0]["state"], "Offline");
  EXPECT_EQ(j["unhealthy_partitions"][1]["isr"], nlohmann::json::array({1}));
  EXPECT_TRUE(j["brokers"][0]["rack"].is_null());
  ClusterView down = sample();
  down.quorum_error = "timed out";
  auto k = nlohmann::json::parse(format_cluster_json(down));
  EXPECT_EQ(k["quorum"]["error"], "timed out");
  EXPECT_NE(format_cluster_text(down).find("Controller quorum: unavailable (timed out)"), std::string::npos);
}

TEST(DevClusterConfig, EveryNodeGetsItsPortsAndTheSameVoters) {
  DevClusterOptions o;
  o.nodes = 3;
  o.base_port = 19092;
  auto p2 = dev_cluster_properties(o, 2, "/d/node-2");
  EXPECT_NE(p2.find("node.id=2\n"), std::string::npos);
  EXPECT_NE(p2.find("listeners=PLAINTEXT://127.0.0.1:19093,CONTROLLER://127.0.0.1:19193\n"), std::string::npos);
  EXPECT_NE(p2.find("controller.quorum.voters=1@127.0.0.1:19192,2@127.0.0.1:19193,3@127.0.0.1:19194\n"),
            std::string::npos);
  EXPECT_NE(p2.find("log.dirs=/d/node-2\n"), std::string::npos);
  EXPECT_EQ(dev_cluster_bootstrap(o), "127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094");
  o.sets = {"num.partitions=4"};
  EXPECT_NE(dev_cluster_properties(o, 1, "/d").find("num.partitions=4\n"), std::string::npos);
}

}  // namespace
}  // namespace gregor::cli
