#include "controller/broker_lifecycle.h"

#include <gtest/gtest.h>

#include "controller/test_cluster.h"

namespace gregor::controller {
namespace {

using testing::partition_changes;
using testing::TestCluster;

BrokerRegistrationRequest registration(int32_t id, uint8_t incarnation) {
  BrokerRegistrationRequest r;
  r.broker_id = id;
  r.cluster_id = "test-cluster";
  r.incarnation_id.bytes[7] = incarnation;
  r.listeners = {{"PLAINTEXT", "node-" + std::to_string(id), 9092, 0}};
  r.rack = "rack-1";
  return r;
}

BrokerHeartbeatRequest heartbeat(const TestCluster& c, int32_t id, int64_t offset) {
  return BrokerHeartbeatRequest{id, c.broker(id).epoch, offset, false, false};
}

TEST(BrokerLifecycle, ANewBrokerIsRegisteredFencedWithAHigherEpoch) {
  TestCluster c({1, 2});
  BrokerHeartbeatManager hb(9000);
  auto r = register_broker(c.image, c.config, hb, registration(3, 1), 0);
  ASSERT_EQ(r.response.error, 0) << r.response.message;
  ASSERT_EQ(r.records.size(), 1u);
  const auto& rec = std::get<metadata::RegisterBrokerRecord>(r.records[0]);
  EXPECT_TRUE(rec.fenced);
  EXPECT_GT(rec.broker_epoch, c.image.max_broker_epoch);
  EXPECT_EQ(r.response.broker_epoch, rec.broker_epoch);
  EXPECT_EQ(rec.rack, "rack-1");
  c.commit(r.records);
  EXPECT_TRUE(c.broker(3).registered());
  EXPECT_TRUE(c.broker(3).fenced);
  EXPECT_EQ(c.broker(3).host, "node-3");
  // The caller may ask for the record's offset as the epoch (Kafka's choice).
  auto r2 = register_broker(c.image, c.config, hb, registration(4, 1), 0, 5000);
  EXPECT_EQ(r2.response.broker_epoch, 5000);
}

TEST(BrokerLifecycle, DuplicateRegistrationIsRefusedWhileLiveAndAcceptedAfterTheSessionTimeout) {
  TestCluster c({1});
  BrokerHeartbeatManager hb(9000);
  auto first = register_broker(c.image, c.config, hb, registration(2, 1), 0);
  c.commit(first.records);
  auto hb1 = process_heartbeat(c.image, c.config, hb, heartbeat(c, 2, c.next_offset), 1000);
  c.commit(hb1.records);
  ASSERT_FALSE(c.broker(2).fenced);

  auto dup = register_broker(c.image, c.config, hb, registration(2, 2), 9000);
  EXPECT_EQ(dup.response.error, 101);
  EXPECT_NE(dup.response.message.find("Another broker is registered with that broker id"), std::string::npos);
  EXPECT_TRUE(dup.records.empty());

  auto later = register_broker(c.image, c.config, hb, registration(2, 2), 10001);
  ASSERT_EQ(later.response.error, 0) << later.response.message;
  EXPECT_GT(later.response.broker_epoch, first.response.broker_epoch);
  c.commit(later.records);
  EXPECT_TRUE(c.broker(2).fenced);
  EXPECT_EQ(c.broker(2).epoch, later.response.broker_epoch);
}

TEST(BrokerLifecycle, TheControllersOwnBrokerReplacesItsOldIncarnationAtOnce) {
  // Issue 12 item 7: a combined node restarted by kill -9 waited for its own old session to
  // lapse (about 10 s). The process holds the log-dir lock: the old incarnation is dead.
  TestCluster c({1});
  BrokerHeartbeatManager hb(9000);
  c.commit(register_broker(c.image, c.config, hb, registration(2, 1), 0).records);
  auto hb1 = process_heartbeat(c.image, c.config, hb, heartbeat(c, 2, c.next_offset), 1000);
  c.commit(hb1.records);
  auto restarted = register_broker(c.image, c.config, hb, registration(2, 2), 2000, 0, true);
  ASSERT_EQ(restarted.response.error, 0) << restarted.response.message;
  c.commit(restarted.records);
  EXPECT_TRUE(c.broker(2).fenced);  // it still has to catch up before it is unfenced
}

TEST(BrokerLifecycle, ReRegisteringTheSameIncarnationKeepsEpochAndFencingState) {
  TestCluster c({1});
  BrokerHeartbeatManager hb(9000);
  auto first = register_broker(c.image, c.config, hb, registration(2, 1), 0);
  c.commit(first.records);
  c.commit(process_heartbeat(c.image, c.config, hb, heartbeat(c, 2, c.next_offset), 10).records);
  auto again = register_broker(c.image, c.config, hb, registration(2, 1), 20);
  ASSERT_EQ(again.response.error, 0);
  EXPECT_EQ(again.response.broker_epoch, first.response.broker_epoch);
  EXPECT_FALSE(std::get<metadata::RegisterBrokerRecord>(again.records.back()).fenced);
}

TEST(BrokerLifecycle, ANewIncarnationOfAnExpiredButUnfencedBrokerGivesUpItsLeaderships) {
  TestCluster c({1, 2});
  c.add_topic("t", {{1, 2}});
  BrokerHeartbeatManager hb(9000);
  hb.rebuild(c.image, 0);
  auto r = register_broker(c.image, c.config, hb, registration(1, 9), 20000);
  ASSERT_EQ(r.response.error, 0);
  c.commit(r.records);
  EXPECT_EQ(c.partition("t", 0).leader, 2);
  EXPECT_EQ(c.partition("t", 0).isr, (std::vector<int32_t>{2}));
}

TEST(BrokerLifecycle, RegistrationForAnotherClusterIsRefused) {
  TestCluster c({1});
  BrokerHeartbeatManager hb(9000);
  auto req = registration(2, 1);
  req.cluster_id = "other";
  EXPECT_EQ(register_broker(c.image, c.config, hb, req, 0).response.error, 104);
}

TEST(BrokerLifecycle, AHeartbeatWithAWrongEpochIsStale) {
  TestCluster c({1});
  BrokerHeartbeatManager hb(9000);
  auto req = heartbeat(c, 1, 0);
  req.broker_epoch += 1;
  auto r = process_heartbeat(c.image, c.config, hb, req, 0);
  EXPECT_EQ(r.response.error, 77);
  EXPECT_TRUE(r.records.empty());
  req.broker_id = 7;
  EXPECT_EQ(process_heartbeat(c.image, c.config, hb, req, 0).response.error, 77);
}

TEST(BrokerLifecycle, ABrokerIsUnfencedOnceItHasReplayedItsRegistration) {
  TestCluster c({1});
  BrokerHeartbeatManager hb(9000);
  c.commit(register_broker(c.image, c.config, hb, registration(2, 1), 0).records);
  const int64_t reg_offset = c.broker(2).registration_offset;
  auto behind = process_heartbeat(c.image, c.config, hb, heartbeat(c, 2, reg_offset - 1), 10);
  EXPECT_TRUE(behind.records.empty());
  EXPECT_TRUE(behind.response.is_fenced);
  EXPECT_FALSE(behind.response.is_caught_up);
  auto caught_up = process_heartbeat(c.image, c.config, hb, heartbeat(c, 2, reg_offset), 20);
  EXPECT_FALSE(caught_up.response.is_fenced);
  EXPECT_TRUE(caught_up.response.is_caught_up);
  c.commit(caught_up.records);
  EXPECT_FALSE(c.broker(2).fenced);
  EXPECT_TRUE(hb.has_valid_session(2, 20));
}

TEST(BrokerLifecycle, WantFenceFencesAnUnfencedBroker) {
  TestCluster c({1, 2});
  c.add_topic("t", {{1, 2}});
  BrokerHeartbeatManager hb(9000);
  auto req = heartbeat(c, 1, 1000);
  req.want_fence = true;
  auto r = process_heartbeat(c.image, c.config, hb, req, 0);
  EXPECT_TRUE(r.response.is_fenced);
  EXPECT_FALSE(r.response.should_shut_down);
  c.commit(r.records);
  EXPECT_TRUE(c.broker(1).fenced);
  EXPECT_EQ(c.partition("t", 0).leader, 2);
}

TEST(BrokerLifecycle, ControlledShutdownMovesLeadershipsThenLetsTheBrokerGo) {
  TestCluster c({1, 2, 3});
  c.add_topic("t", {{1, 2, 3}, {1, 3, 2}, {2, 1, 3}});
  BrokerHeartbeatManager hb(9000);
  auto req = heartbeat(c, 1, 1000);
  req.want_shut_down = true;
  auto enter = process_heartbeat(c.image, c.config, hb, req, 0);
  EXPECT_TRUE(enter.response.in_controlled_shutdown);
  EXPECT_FALSE(enter.response.should_shut_down);
  EXPECT_FALSE(enter.response.is_fenced);
  EXPECT_EQ(partition_changes(enter.records).size(), 3u);
  c.commit(enter.records);
  EXPECT_FALSE(leads_any_partition(c.image, 1));
  EXPECT_EQ(c.partition("t", 0).leader, 2);
  EXPECT_EQ(c.partition("t", 1).leader, 3);

  auto done = process_heartbeat(c.image, c.config, hb, req, 100);
  EXPECT_TRUE(done.response.should_shut_down);
  EXPECT_TRUE(done.response.is_fenced);
  c.commit(done.records);
  EXPECT_TRUE(c.broker(1).fenced);
}

TEST(BrokerLifecycle, ABrokerLeadingNothingShutsDownAtOnce) {
  TestCluster c({1, 2});
  c.add_topic("t", {{2, 1}});
  BrokerHeartbeatManager hb(9000);
  auto req = heartbeat(c, 1, 1000);
  req.want_shut_down = true;
  auto r = process_heartbeat(c.image, c.config, hb, req, 0);
  EXPECT_TRUE(r.response.should_shut_down);
  c.commit(r.records);
  EXPECT_TRUE(c.broker(1).fenced);
  EXPECT_EQ(c.partition("t", 0).isr, (std::vector<int32_t>{2}));
}

}  // namespace
}  // namespace gregor::controller
