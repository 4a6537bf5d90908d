#include "coordinator/group/group_partition.h"

#include <gtest/gtest.h>

#include "coordinator/group/test_util.h"
#include "model/control_record.h"
#include "storage/test_util.h"

namespace gregor::group {
namespace {

using storage::test_util::TempDir;
using testing::protocols;

class GroupPartitionTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::unique_ptr<storage::Log> log = open();
  GroupConfig config = [] {
    GroupConfig c;
    c.initial_rebalance_delay_ms = 0;
    return c;
  }();
  bool fail_appends = false;
  int appends = 0;
  int64_t now = 1000;
  uint64_t token = 1;

  std::unique_ptr<storage::Log> open() {
    auto l = storage::Log::open(dir.path() / "__consumer_offsets-0", storage::LogConfig{}, -1, -1, 1000);
    GREGOR_ASSERT(l.ok());
    return std::move(*l);
  }

  std::unique_ptr<GroupPartition> make() {
    return std::make_unique<GroupPartition>(0, config, [this](ByteView b) -> Status {
      if (fail_appends) return make_error(int16_t(ErrorCode::KAFKA_STORAGE_ERROR), "disk says no");
      ++appends;
      auto r = log->append(b, 0, now, storage::AppendOrigin::coordinator);
      if (!r.ok()) return r.error();
      return Status::OK();
    }, 7);
  }

  std::unique_ptr<GroupPartition> reload() {
    GREGOR_ASSERT(log->close().ok());
    log = open();
    auto gp = make();
    auto st = gp->load(*log, now);
    EXPECT_TRUE(st.ok());
    return gp;
  }

  JoinRequest join_req(const std::string& member, std::optional<std::string> instance = std::nullopt) {
    JoinRequest r;
    r.token = token++;
    r.member_id = member;
    r.group_instance_id = std::move(instance);
    r.client_id = "c";
    r.client_host = "/127.0.0.1";
    r.session_timeout_ms = 10000;
    r.rebalance_timeout_ms = 30000;
    r.protocol_type = "consumer";
    r.protocols = protocols({"range"});
    r.require_known_member_id = true;
    return r;
  }

  // One dynamic member brought to Stable; returns its id.
  std::string stable_member(GroupPartition& gp, const std::string& group) {
    auto first = gp.join(group, join_req(""), now);
    EXPECT_TRUE(first && first->error == ErrorCode::MEMBER_ID_REQUIRED);
    std::string id = first->member_id;
    auto second = gp.join(group, join_req(id), now);
    if (!second) gp.tick(now);
    auto done = gp.take_completions();
    EXPECT_EQ(gp.manager().find(group)->state(), GroupState::kCompletingRebalance);
    SyncRequest s;
    s.token = token++;
    s.member_id = id;
    s.generation_id = gp.manager().find(group)->generation_id();
    s.assignments[id] = Bytes{9, 9};
    gp.sync(group, s, now);
    gp.take_completions();
    EXPECT_EQ(gp.manager().find(group)->state(), GroupState::kStable);
    return id;
  }

  OffsetCommitRequest commit(const std::string& group, int64_t offset, const std::string& member = "",
                             int32_t generation = -1) {
    OffsetCommitRequest r;
    r.group_id = group;
    r.member_id = member;
    r.generation_id = generation;
    r.partitions.push_back(OffsetCommitPartition{TopicPartition{"t", 0}, offset, 3, "m"});
    r.partitions.push_back(OffsetCommitPartition{TopicPartition{"t", 1}, offset + 1, 3, ""});
    return r;
  }
};

TEST_F(GroupPartitionTest, StableGroupAndOffsetsSurviveReload) {
  auto gp = make();
  auto member = stable_member(*gp, "g");
  int32_t gen = gp->manager().find("g")->generation_id();
  auto res = gp->commit_offsets(commit("g", 100, member, gen), now);
  ASSERT_EQ(res.size(), 2u);
  EXPECT_EQ(res[0].error, ErrorCode::NONE);
  EXPECT_EQ(res[1].error, ErrorCode::NONE);

  auto again = reload();
  const Group* g = again->manager().find("g");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->state(), GroupState::kStable);
  EXPECT_EQ(g->generation_id(), gen);
  ASSERT_EQ(g->members().size(), 1u);
  EXPECT_EQ(g->members()[0].member_id, member);
  EXPECT_EQ(g->members()[0].assignment, (Bytes{9, 9}));
  EXPECT_EQ(g->protocol_name(), "range");
  // The reloaded member keeps heartbeating in its generation without a rebalance.
  EXPECT_EQ(again->heartbeat("g", HeartbeatRequest{member, std::nullopt, gen}, now), ErrorCode::NONE);
  auto offsets = again->manager().fetch_offsets("g", std::nullopt);
  ASSERT_EQ(offsets.size(), 2u);
  EXPECT_EQ(offsets[0].offset, 100);
  EXPECT_EQ(offsets[0].leader_epoch, 3);
  EXPECT_EQ(offsets[0].metadata, "m");
  EXPECT_EQ(offsets[1].offset, 101);
}

TxnOffsetCommitRequest txn_commit(int64_t pid, int16_t epoch, int64_t offset) {
  TxnOffsetCommitRequest r;
  r.group_id = "g";
  r.producer_id = pid;
  r.producer_epoch = epoch;
  r.partitions.push_back(OffsetCommitPartition{TopicPartition{"t", 0}, offset, -1, ""});
  return r;
}

TEST_F(GroupPartitionTest, TransactionalOffsetsAreVisibleOnlyAfterACommitMarker) {
  auto gp = make();
  auto res = gp->txn_commit_offsets(txn_commit(11, 0, 40), now);
  ASSERT_EQ(res[0].error, ErrorCode::NONE);
  const std::vector<TopicPartition> t0{{"t", 0}};
  EXPECT_EQ(gp->manager().fetch_offsets("g", t0)[0].offset, -1);
  EXPECT_EQ(gp->manager().fetch_offsets("g", t0, true)[0].error, ErrorCode::UNSTABLE_OFFSET_COMMIT);
  EXPECT_EQ(gp->complete_txn(11, true), 1u);
  EXPECT_EQ(gp->manager().fetch_offsets("g", t0, true)[0].offset, 40);
  // An aborted one changes nothing.
  ASSERT_EQ(gp->txn_commit_offsets(txn_commit(11, 0, 50), now)[0].error, ErrorCode::NONE);
  EXPECT_EQ(gp->complete_txn(11, false), 0u);
  EXPECT_EQ(gp->manager().fetch_offsets("g", t0, true)[0].offset, 40);
}

TEST_F(GroupPartitionTest, ReloadReplaysTransactionalOffsetsAndTheirMarkers) {
  auto gp = make();
  ASSERT_EQ(gp->txn_commit_offsets(txn_commit(11, 0, 40), now)[0].error, ErrorCode::NONE);
  ASSERT_TRUE(log->append_marker(11, 0, model::EndTxnMarker{true, 0}, 0, now).ok());
  ASSERT_EQ(gp->txn_commit_offsets(txn_commit(12, 0, 70), now)[0].error, ErrorCode::NONE);
  ASSERT_TRUE(log->append_marker(12, 0, model::EndTxnMarker{false, 0}, 0, now).ok());
  ASSERT_EQ(gp->txn_commit_offsets(txn_commit(13, 0, 90), now)[0].error, ErrorCode::NONE);  // still open
  auto again = reload();
  const std::vector<TopicPartition> t0{{"t", 0}};
  EXPECT_EQ(again->manager().fetch_offsets("g", t0)[0].offset, 40);
  EXPECT_EQ(again->manager().fetch_offsets("g", t0, true)[0].error, ErrorCode::UNSTABLE_OFFSET_COMMIT);
  EXPECT_EQ(again->complete_txn(13, true), 1u);
  EXPECT_EQ(again->manager().fetch_offsets("g", t0)[0].offset, 90);
}

TEST_F(GroupPartitionTest, TransactionalCommitOfAStaleEpochIsRefused) {
  auto gp = make();
  ASSERT_EQ(gp->txn_commit_offsets(txn_commit(11, 3, 40), now)[0].error, ErrorCode::NONE);
  EXPECT_EQ(gp->txn_commit_offsets(txn_commit(11, 2, 41), now)[0].error, ErrorCode::INVALID_PRODUCER_EPOCH);
}

TEST_F(GroupPartitionTest, TransactionalCommitChecksTheNamedMemberAndGeneration) {
  auto gp = make();
  auto member = stable_member(*gp, "g");
  auto req = txn_commit(11, 0, 40);
  req.member_id = member;
  req.generation_id = 99;
  EXPECT_EQ(gp->txn_commit_offsets(req, now)[0].error, ErrorCode::ILLEGAL_GENERATION);
  req.generation_id = gp->manager().find("g")->generation_id();
  EXPECT_EQ(gp->txn_commit_offsets(req, now)[0].error, ErrorCode::NONE);
  req.member_id = "someone-else";
  EXPECT_EQ(gp->txn_commit_offsets(req, now)[0].error, ErrorCode::UNKNOWN_MEMBER_ID);
  // Requests of v0-v2 name no member and pass while the group is Stable.
  EXPECT_EQ(gp->txn_commit_offsets(txn_commit(12, 0, 41), now)[0].error, ErrorCode::NONE);
}

TEST_F(GroupPartitionTest, LaterCommitsWinOnReload) {
  auto gp = make();
  gp->commit_offsets(commit("s", 5), now);
  gp->commit_offsets(commit("s", 50), now);
  auto again = reload();
  EXPECT_EQ(again->manager().offsets().get("s", TopicPartition{"t", 0})->offset, 50);
  // A simple group comes back as an Empty group with no protocol type.
  const Group* g = again->manager().find("s");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->state(), GroupState::kEmpty);
  EXPECT_FALSE(g->protocol_type());
}

TEST_F(GroupPartitionTest, LeaveWritesEmptyGroupAndDeleteWritesTombstones) {
  auto gp = make();
  auto member = stable_member(*gp, "g");
  int32_t gen = gp->manager().find("g")->generation_id();
  gp->commit_offsets(commit("g", 7, member, gen), now);
  auto leave = gp->leave("g", {LeavingMember{member, std::nullopt}}, now);
  EXPECT_EQ(leave.member_errors.at(0), ErrorCode::NONE);
  gp->tick(now);
  EXPECT_EQ(gp->manager().find("g")->state(), GroupState::kEmpty);

  auto reloaded = reload();
  ASSERT_NE(reloaded->manager().find("g"), nullptr);
  EXPECT_EQ(reloaded->manager().find("g")->state(), GroupState::kEmpty);
  EXPECT_GT(reloaded->manager().find("g")->generation_id(), gen);

  auto errors = reloaded->delete_groups({"g", "missing"}, now);
  EXPECT_EQ(errors[0], ErrorCode::NONE);
  EXPECT_EQ(errors[1], ErrorCode::GROUP_ID_NOT_FOUND);
  gp.reset();
  auto after = reload();
  EXPECT_EQ(after->manager().find("g"), nullptr);
  EXPECT_FALSE(after->manager().offsets().has_offsets("g"));
}

TEST_F(GroupPartitionTest, FailedWriteRollsBackTheCommit) {
  auto gp = make();
  gp->commit_offsets(commit("s", 5), now);
  fail_appends = true;
  auto res = gp->commit_offsets(commit("s", 500), now);
  EXPECT_EQ(res[0].error, ErrorCode::NOT_COORDINATOR);
  EXPECT_EQ(gp->manager().offsets().get("s", TopicPartition{"t", 0})->offset, 5);
  fail_appends = false;
  auto again = reload();
  EXPECT_EQ(again->manager().offsets().get("s", TopicPartition{"t", 0})->offset, 5);
}

TEST_F(GroupPartitionTest, OffsetDeleteAndRetentionWriteTombstones) {
  config.offsets_retention_ms = 1000;
  auto gp = make();
  gp->commit_offsets(commit("s", 5), now);
  auto del = gp->delete_offsets("s", {TopicPartition{"t", 1}}, now);
  EXPECT_EQ(del.error, ErrorCode::NONE);
  {
    auto again = reload();
    EXPECT_EQ(again->manager().offsets().get("s", TopicPartition{"t", 1}), nullptr);
    EXPECT_NE(again->manager().offsets().get("s", TopicPartition{"t", 0}), nullptr);
  }
  gp = reload();
  now += 5000;
  gp->tick(now);
  EXPECT_EQ(gp->manager().find("s"), nullptr);
  auto after = reload();
  EXPECT_EQ(after->manager().find("s"), nullptr);
  EXPECT_FALSE(after->manager().offsets().has_offsets("s"));
}

TEST_F(GroupPartitionTest, CorruptRecordsAreSkippedOnLoad) {
  model::BatchBuilder b;
  b.add(std::optional<std::string_view>("junk-key"), std::optional<std::string_view>("junk"), now);
  b.add(std::optional<std::string_view>(), std::optional<std::string_view>("no key"), now);
  ASSERT_TRUE(log->append(*b.build(), 0, now).ok());
  auto gp = make();
  gp->commit_offsets(commit("s", 5), now);
  auto again = reload();
  EXPECT_EQ(again->manager().offsets().get("s", TopicPartition{"t", 0})->offset, 5);
}

}  // namespace
}  // namespace gregor::group
