// MetadataStateMachine: committed batches of metadata records build the image; control batches
// change nothing; a damaged batch or an undecodable record is an error that stops the replay; a snapshot rebuilds the same image on a fresh node.
#include "controller/metadata_state_machine.h"

#include <gtest/gtest.h>

#include "model/batch_builder.h"

namespace gregor::controller {
namespace {

raft::LogBatch batch_of(int64_t base, const std::vector<metadata::MetadataRecord>& records, bool control = false) {
  model::BatchBuilder b;
  b.base_offset(base).control(control);
  std::vector<Bytes> values;
  for (const auto& r : records) values.push_back(metadata::encode_record(r));
  for (const auto& v : values) b.add(std::nullopt, std::optional<ByteView>(ByteView(v)), 1000);
  raft::LogBatch out;
  out.base_offset = base;
  out.last_offset = base + int64_t(records.size()) - 1;
  out.epoch = 1;
  out.control = control;
  out.data = *b.build();
  return out;
}

proto::Uuid id_of(uint8_t n) {
  proto::Uuid u;
  u.bytes[15] = n;
  return u;
}

std::vector<metadata::MetadataRecord> cluster_records() {
  metadata::RegisterBrokerRecord reg;
  reg.broker_id = 1;
  reg.broker_epoch = 5;
  reg.incarnation_id = id_of(9);
  reg.endpoints = {metadata::Endpoint{"PLAINTEXT", "127.0.0.1", 9092, 0}};
  reg.fenced = false;
  metadata::PartitionRecord p;
  p.partition_id = 0;
  p.topic_id = id_of(1);
  p.replicas = {1};
  p.isr = {1};
  p.leader = 1;
  p.leader_epoch = 3;
  return {reg, metadata::TopicRecord{"orders", id_of(1)}, p,
          metadata::ConfigRecord{metadata::ResourceType::kTopic, "orders", "retention.ms", std::string("1000")},
          metadata::ProducerIdsRecord{1, 2000}};
}

TEST(MetadataStateMachineTest, AppliesCommittedRecordsIntoTheImage) {
  MetadataStateMachine sm("cid");
  auto before = sm.image();
  ASSERT_TRUE(sm.apply(batch_of(0, cluster_records())).ok());
  auto image = sm.image();
  EXPECT_GT(image->version, before->version);
  EXPECT_EQ(image->cluster_id, "cid");
  ASSERT_NE(image->find_topic("orders"), nullptr);
  EXPECT_EQ(image->find_topic("orders")->partitions.at(0).leader_epoch, 3);
  EXPECT_EQ(image->find_topic("orders")->configs.at("retention.ms"), "1000");
  ASSERT_NE(image->find_broker(1), nullptr);
  EXPECT_EQ(image->find_broker(1)->registration_offset, 0);
  EXPECT_EQ(image->next_producer_id, 2000);
  EXPECT_EQ(sm.applied_end_offset(), 5);
  EXPECT_EQ(sm.image(), image) << "no new copy without a change";
}

TEST(MetadataStateMachineTest, ControlBatchesChangeNothing) {
  MetadataStateMachine sm("cid");
  auto v0 = sm.image()->version;
  model::BatchBuilder b;
  b.control(true).add(std::nullopt, std::optional<std::string_view>("leader change"), 1);
  raft::LogBatch control{0, 0, 1, true, *b.build()};
  ASSERT_TRUE(sm.apply(control).ok());
  EXPECT_EQ(sm.image()->version, v0);
  EXPECT_EQ(sm.applied_end_offset(), 1);
}

TEST(MetadataStateMachineTest, AnUndecodableRecordStopsTheReplayAndChangesNothing) {
  MetadataStateMachine sm("cid");
  model::BatchBuilder junk;
  junk.add(std::nullopt, std::optional<std::string_view>("\x01\xff\x7f not a record"), 1);
  auto st = sm.apply(raft::LogBatch{0, 0, 1, false, *junk.build()});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("metadata replay stopped at offset 0"), std::string::npos) << st.error().message;
  EXPECT_TRUE(sm.image()->topics.empty());
  EXPECT_EQ(sm.applied_end_offset(), 0);
}

TEST(MetadataStateMachineTest, AFlippedByteInABatchStopsTheReplay) {
  // A closed segment is not rescanned on start; the replay's CRC check is what finds this.
  MetadataStateMachine sm("cid");
  raft::LogBatch b = batch_of(0, cluster_records());
  b.data[b.data.size() - 20] ^= 0x40;
  auto st = sm.apply(b);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("CRC"), std::string::npos) << st.error().message;
  EXPECT_TRUE(sm.image()->topics.empty());
  EXPECT_TRUE(sm.image()->brokers.empty());
}

TEST(MetadataStateMachineTest, SnapshotRebuildsTheSameImageOnAFreshNode) {
  MetadataStateMachine sm("cid");
  ASSERT_TRUE(sm.apply(batch_of(0, cluster_records())).ok());
  Bytes snap = sm.snapshot();
  MetadataStateMachine fresh("cid");
  ASSERT_TRUE(fresh.restore(raft::SnapshotId{5, 1}, snap).ok());
  auto a = sm.image(), b = fresh.image();
  EXPECT_EQ(b->find_topic("orders")->partitions.at(0).leader_epoch, 3);
  EXPECT_EQ(b->find_topic("orders")->configs, a->find_topic("orders")->configs);
  EXPECT_EQ(b->find_broker(1)->epoch, 5);
  EXPECT_EQ(b->find_broker(1)->endpoints, a->find_broker(1)->endpoints);
  EXPECT_EQ(b->next_producer_id, 2000);
  EXPECT_EQ(fresh.applied_end_offset(), 5);
  Bytes torn(snap.begin(), snap.end() - 3);
  EXPECT_FALSE(MetadataStateMachine("cid").restore(raft::SnapshotId{5, 1}, torn).ok());
}

}  // namespace
}  // namespace gregor::controller
