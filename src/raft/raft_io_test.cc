// The quorum's disk and wire adapters: StorageRaftLog keeps Kafka batches with their epochs and
// survives a reopen; FileSnapshotStore names and keeps snapshots; every Raft message survives
// to_wire -> Kafka encoding -> decoding -> from_wire; and a single voter runs on real files.
#include <gtest/gtest.h>

#include <filesystem>

#include "model/batch_iterator.h"
#include "model/record.h"
#include "protocol/reader.h"
#include "protocol/writer.h"
#include "raft/file_quorum_state_store.h"
#include "raft/file_snapshot_store.h"
#include "raft/raft_node.h"
#include "raft/storage_raft_log.h"
#include "raft/wire.h"

namespace gregor::raft {
namespace {

namespace fs = std::filesystem;

Bytes b(const std::string& s) { return Bytes(s.begin(), s.end()); }

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("raft-io-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() { static int c = 0; return c; }
};

std::vector<std::string> values_of(const LogBatch& batch) {
  std::vector<std::string> out;
  auto st = model::for_each_record(batch.data, [&](const model::RecordView& r) -> Status {
    if (r.value) out.emplace_back(r.value->begin(), r.value->end());
    return Status::OK();
  });
  EXPECT_TRUE(st.ok());
  return out;
}

TEST(StorageRaftLogTest, AppendsReadsAndFindsEpochEnds) {
  TempDir dir;
  auto log = StorageRaftLog::open(dir.path / "m-0", std::nullopt);
  ASSERT_TRUE(log.ok());
  auto& l = **log;
  EXPECT_EQ(l.end_offset(), 0);
  EXPECT_EQ(l.end_offset_for_epoch(0), (OffsetAndEpoch{0, 0}));
  auto b1 = l.append_as_leader(1, {b("lc")}, true);
  ASSERT_TRUE(b1.ok());
  EXPECT_TRUE(b1->control);
  EXPECT_EQ(b1->epoch, 1);
  auto b2 = l.append_as_leader(1, {b("a"), b("b")}, false);
  ASSERT_TRUE(b2.ok());
  EXPECT_EQ(b2->base_offset, 1);
  EXPECT_EQ(b2->last_offset, 2);
  auto b3 = l.append_as_leader(3, {b("c")}, false);
  ASSERT_TRUE(b3.ok());
  EXPECT_EQ(l.last_epoch(), 3);
  EXPECT_EQ(l.end_offset_for_epoch(1), (OffsetAndEpoch{3, 1}));
  EXPECT_EQ(l.end_offset_for_epoch(2), (OffsetAndEpoch{3, 1}));
  EXPECT_EQ(l.end_offset_for_epoch(3), (OffsetAndEpoch{4, 3}));
  auto read = l.read(1, 1 << 20);
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(values_of(read[0]), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(read[1].epoch, 3);
  ASSERT_TRUE(l.flush().ok());
  EXPECT_EQ(l.flushed_offset(), 4);
  ASSERT_TRUE(l.truncate_to(3).ok());
  EXPECT_EQ(l.end_offset(), 3);
  EXPECT_EQ(l.last_epoch(), 1);
}

TEST(StorageRaftLogTest, FollowerAppendKeepsTheLeadersBatchesAndSurvivesReopen) {
  TempDir dir;
  std::vector<LogBatch> fetched;
  {
    auto leader = StorageRaftLog::open(dir.path / "leader", std::nullopt);
    ASSERT_TRUE(leader.ok());
    ASSERT_TRUE((*leader)->append_as_leader(2, {b("x")}, false).ok());
    ASSERT_TRUE((*leader)->append_as_leader(4, {b("y"), b("z")}, false).ok());
    fetched = (*leader)->read(0, 1 << 20);
  }
  {
    auto follower = StorageRaftLog::open(dir.path / "follower", std::nullopt);
    ASSERT_TRUE(follower.ok());
    ASSERT_TRUE((*follower)->append_as_follower(fetched).ok());
    EXPECT_EQ((*follower)->end_offset(), 3);
    EXPECT_EQ((*follower)->last_epoch(), 4);
    ASSERT_TRUE((*follower)->close().ok());
  }
  auto again = StorageRaftLog::open(dir.path / "follower", std::nullopt);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->end_offset(), 3);
  EXPECT_EQ((*again)->end_offset_for_epoch(3), (OffsetAndEpoch{1, 2}));
  EXPECT_EQ((*again)->read(0, 1 << 20), fetched);
}

TEST(StorageRaftLogTest, ResetToSnapshotRestartsTheLogAtItsEnd) {
  TempDir dir;
  auto log = StorageRaftLog::open(dir.path / "m-0", std::nullopt);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->append_as_leader(1, {b("a")}, false).ok());
  ASSERT_TRUE((*log)->reset_to_snapshot(SnapshotId{10, 3}).ok());
  EXPECT_EQ((*log)->start_offset(), 10);
  EXPECT_EQ((*log)->end_offset(), 10);
  EXPECT_EQ((*log)->last_epoch(), 3);
  EXPECT_EQ((*log)->end_offset_for_epoch(3), (OffsetAndEpoch{10, 3}));
  EXPECT_EQ((*log)->end_offset_for_epoch(2), (OffsetAndEpoch{-1, -1}));
}

TEST(FileSnapshotStoreTest, NamesFilesAsKafkaAndKeepsTheTwoNewest) {
  TempDir dir;
  EXPECT_EQ(FileSnapshotStore::file_name({42, 3}), "00000000000000000042-0000000003.checkpoint");
  EXPECT_EQ(FileSnapshotStore::parse_file_name("00000000000000000042-0000000003.checkpoint"), (SnapshotId{42, 3}));
  EXPECT_FALSE(FileSnapshotStore::parse_file_name("42-3.checkpoint"));
  EXPECT_FALSE(FileSnapshotStore::parse_file_name("0000000000000000004x-0000000003.checkpoint"));
  {
    auto store = FileSnapshotStore::open(dir.path);
    ASSERT_TRUE(store.ok());
    for (int64_t end : {5, 9, 12}) ASSERT_TRUE((*store)->save({end, 1}, b("s" + std::to_string(end))).ok());
  }
  auto store = FileSnapshotStore::open(dir.path);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->latest(), (SnapshotId{12, 1}));
  EXPECT_EQ(*(*store)->read({12, 1}), b("s12"));
  EXPECT_TRUE((*store)->read({9, 1}).ok());
  EXPECT_FALSE((*store)->read({5, 1}).ok());
}

template <class Msg>
Msg reencode(const Msg& m, int16_t version) {
  proto::Writer w;
  m.encode(w, version);
  auto bytes = proto::flatten(w.finish());
  EXPECT_TRUE(bytes.ok());
  proto::Reader r(std::move(*bytes));
  Msg out;
  EXPECT_TRUE(out.decode(r, version));
  return out;
}

TEST(WireTest, RequestsAndResponsesSurviveTheKafkaEncoding) {
  VoteRequest vote{"c1", 7, 2, 6, 120, true};
  auto v = from_wire(reencode(to_wire(vote), kVoteVersion));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->epoch, 7);
  EXPECT_EQ(v->candidate_id, 2);
  EXPECT_EQ(v->last_epoch, 6);
  EXPECT_EQ(v->last_epoch_end_offset, 120);
  EXPECT_TRUE(v->pre_vote);
  EXPECT_EQ(v->cluster_id, "c1");

  auto vr = from_wire(reencode(to_wire(VoteResponse{0, 7, 3, true}), kVoteVersion));
  ASSERT_TRUE(vr.ok());
  EXPECT_TRUE(vr->vote_granted);
  EXPECT_EQ(vr->leader_id, 3);

  auto end = from_wire(reencode(to_wire(EndQuorumEpochRequest{"c1", 4, 1, {3, 2}}), kEndEpochVersion));
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(end->preferred_successors, (std::vector<int32_t>{3, 2}));

  FetchRequest fetch{"c1", 3, 5, 77, 4, 500};
  auto f = from_wire(reencode(to_wire(fetch), kFetchVersion), kFetchVersion);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->replica_id, 3);
  EXPECT_EQ(f->epoch, 5);
  EXPECT_EQ(f->fetch_offset, 77);
  EXPECT_EQ(f->last_fetched_epoch, 4);
  EXPECT_EQ(f->max_wait_ms, 500);

  TempDir dir;
  auto log = StorageRaftLog::open(dir.path / "m-0", std::nullopt);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->append_as_leader(5, {b("r1"), b("r2")}, false).ok());
  FetchResponse fr;
  fr.epoch = 5;
  fr.leader_id = 1;
  fr.high_watermark = 2;
  fr.diverging_epoch = DivergingEpoch{4, 10};
  fr.batches = (*log)->read(0, 1 << 20);
  auto back = from_wire(reencode(to_wire(fr), kFetchVersion));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->batches, fr.batches);
  EXPECT_EQ(back->diverging_epoch, fr.diverging_epoch);
  EXPECT_FALSE(back->snapshot_id);
  EXPECT_EQ(back->high_watermark, 2);
  EXPECT_EQ(back->leader_id, 1);

  FetchSnapshotResponse sr{0, 5, 1, SnapshotId{40, 4}, 100, 10, b("chunk")};
  auto s = from_wire(reencode(to_wire(sr), kFetchSnapshotVersion));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->bytes, b("chunk"));
  EXPECT_EQ(s->snapshot_id, (SnapshotId{40, 4}));
}

TEST(WireTest, RequestsForAnotherPartitionAreRefused) {
  auto w = to_wire(VoteRequest{"c1", 1, 2, 0, 0, false});
  w.topics[0].topic_name = "other";
  auto r = from_wire(w);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 3);
  w.topics.clear();
  EXPECT_EQ(from_wire(w).error().code, errc::kInvalidRequest);
}

struct CountingSm : StateMachine {
  std::vector<std::string> values;
  Status apply(const LogBatch& batch) override {
    if (batch.control) return Status::OK();
    for (auto& v : values_of(batch)) values.push_back(v);
    return Status::OK();
  }
  Bytes snapshot() override { return {}; }
  Status restore(SnapshotId, const Bytes&) override { return Status::OK(); }
};

TEST(StorageRaftNodeTest, SingleVoterCommitsOnDiskAndReplaysAfterRestart) {
  TempDir dir;
  Config cfg;
  cfg.node_id = 1;
  cfg.voters = {1};
  cfg.cluster_id = "c";
  auto run = [&](std::vector<std::string> propose, int64_t t0) {
    auto log = StorageRaftLog::open(dir.path / "__cluster_metadata-0", std::nullopt);
    EXPECT_TRUE(log.ok());
    FileQuorumStateStore quorum(dir.path / "quorum-state", "c", {1});
    auto snaps = FileSnapshotStore::open(dir.path / "__cluster_metadata-0");
    CountingSm sm;
    RaftNode node(cfg, **log, quorum, **snaps, sm, 7);
    EXPECT_TRUE(node.start(t0).ok());
    for (int64_t t = t0; t < t0 + 200; t += 10) node.tick(t);
    EXPECT_EQ(node.role(), Role::Leader);
    std::vector<Bytes> records;
    for (auto& p : propose) records.push_back(b(p));
    if (!records.empty()) {
      EXPECT_TRUE(node.propose(records, t0 + 200).ok());
    }
    for (int64_t t = t0 + 200; t < t0 + 400; t += 10) node.tick(t);
    EXPECT_EQ(node.applied_offset(), node.high_watermark());
    EXPECT_TRUE((*log)->close().ok());
    return std::make_pair(sm.values, node.epoch());
  };
  auto [first, epoch1] = run({"a", "b"}, 0);
  EXPECT_EQ(first, (std::vector<std::string>{"a", "b"}));
  auto [second, epoch2] = run({"c"}, 1000);
  EXPECT_EQ(second, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_GT(epoch2, epoch1);
}

}  // namespace
}  // namespace gregor::raft
