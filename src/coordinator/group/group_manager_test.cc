// GroupManager views and lifecycle: DescribeGroups, ListGroups with a state filter, DeleteGroups,
// state names and transitions, and the exactly-one-completion invariant under churn.
#include "coordinator/group/test_util.h"

namespace gregor::group::testing {
namespace {

using ManagerTest = GroupTest;

TEST(GroupStateTest, NamesParseCaseInsensitively) {
  for (auto s : {GroupState::kEmpty, GroupState::kPreparingRebalance, GroupState::kCompletingRebalance,
                 GroupState::kStable, GroupState::kDead}) {
    EXPECT_EQ(parse_state(state_name(s)), s);
  }
  EXPECT_EQ(parse_state("stable"), GroupState::kStable);
  EXPECT_EQ(parse_state("bogus"), std::nullopt);
}

TEST(GroupStateTest, OnlyKafkaTransitionsAreAllowed) {
  using S = GroupState;
  EXPECT_TRUE(can_transition(S::kEmpty, S::kPreparingRebalance));
  EXPECT_TRUE(can_transition(S::kStable, S::kPreparingRebalance));
  EXPECT_TRUE(can_transition(S::kCompletingRebalance, S::kStable));
  EXPECT_TRUE(can_transition(S::kPreparingRebalance, S::kEmpty));
  EXPECT_FALSE(can_transition(S::kEmpty, S::kStable));
  EXPECT_FALSE(can_transition(S::kStable, S::kCompletingRebalance));
  EXPECT_FALSE(can_transition(S::kPreparingRebalance, S::kStable));
  EXPECT_FALSE(can_transition(S::kDead, S::kEmpty));
  EXPECT_TRUE(can_transition(S::kStable, S::kDead));
}

TEST_F(ManagerTest, DescribeStableGroupShowsMetadataAndAssignments) {
  auto ids = stable_group_of_three();
  auto d = gm->describe("g");
  EXPECT_EQ(d.state, "Stable");
  EXPECT_EQ(d.protocol_type, "consumer");
  EXPECT_EQ(d.protocol_name, "range");
  ASSERT_EQ(d.members.size(), 3u);
  EXPECT_EQ(d.members[1].member_id, ids[1]);
  EXPECT_EQ(d.members[1].assignment, Bytes{2});
  EXPECT_EQ(d.members[1].metadata, subscription({"t"}));
  EXPECT_EQ(d.members[1].client_host, "/127.0.0.1");
}

TEST_F(ManagerTest, DescribeRebalancingGroupHidesMetadata) {
  auto ids = stable_group_of_three();
  join(join_req(ids[0]));
  auto d = gm->describe("g");
  EXPECT_EQ(d.state, "PreparingRebalance");
  EXPECT_EQ(d.protocol_name, "");
  EXPECT_TRUE(d.members[0].metadata.empty());
  EXPECT_TRUE(d.members[0].assignment.empty());
}

TEST_F(ManagerTest, DescribeMissingGroupIsDead) {
  auto d = gm->describe("nope");
  EXPECT_EQ(d.state, "Dead");
  EXPECT_TRUE(d.members.empty());
}

TEST_F(ManagerTest, ListFiltersByState) {
  stable_group_of_three();
  join_dynamic("g2");  // CompletingRebalance
  OffsetCommitRequest c;
  c.group_id = "simple";
  c.partitions.push_back({{"t", 0}, 1, -1, ""});
  gm->commit_offsets(c, now);  // Empty
  EXPECT_EQ(gm->list({}).size(), 3u);
  EXPECT_EQ(gm->list({"stable"}), (std::vector<GroupListing>{{"g", "consumer", "Stable"}}));
  EXPECT_EQ(gm->list({"Empty", "CompletingRebalance"}),
            (std::vector<GroupListing>{{"g2", "consumer", "CompletingRebalance"}, {"simple", "", "Empty"}}));
}

TEST_F(ManagerTest, DeleteGroupsChecksStateAndRemovesOffsets) {
  stable_group_of_three();
  OffsetCommitRequest c;
  c.group_id = "simple";
  c.partitions.push_back({{"t", 0}, 1, -1, ""});
  gm->commit_offsets(c, now);
  auto r = gm->delete_groups({"g", "simple", "nope"}, now);
  EXPECT_EQ(r, (std::vector<ErrorCode>{ErrorCode::NON_EMPTY_GROUP, ErrorCode::NONE, ErrorCode::GROUP_ID_NOT_FOUND}));
  EXPECT_EQ(gm->find("simple"), nullptr);
  EXPECT_FALSE(gm->offsets().has_offsets("simple"));
}

TEST_F(ManagerTest, GenerationIsPersistedVersionedOnEveryChange) {
  auto [a, ta] = join_dynamic();
  uint64_t v1 = group().persisted_version();
  sync(sync_req(a, 1, {{a, Bytes{1}}}));
  EXPECT_GT(group().persisted_version(), v1);
}

TEST_F(ManagerTest, LoadedGroupIsStableWithItsMembers) {
  Group g("loaded", config, now);
  Member m;
  m.member_id = "m1";
  m.session_timeout_ms = 10000;
  m.rebalance_timeout_ms = 30000;
  m.protocol_type = "consumer";
  m.protocols = protocols({"range"});
  m.assignment = Bytes{9};
  g.load(5, "consumer", "range", "m1", now, {m}, now);
  EXPECT_EQ(g.state(), GroupState::kStable);
  EXPECT_EQ(g.generation_id(), 5);
  EXPECT_EQ(g.heartbeat(HeartbeatRequest{"m1", std::nullopt, 5}, now), ErrorCode::NONE);
  auto s = g.sync(SyncRequest{1, "m1", std::nullopt, 5, {}, {}, {}}, now);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->assignment, Bytes{9});
  g.tick(now + 10000);  // no heartbeat: the loaded member expires and the group empties
  EXPECT_EQ(g.state(), GroupState::kEmpty);
}

// Deterministic churn: joins, syncs, heartbeats, leaves and time in a seeded order. Every
// token that went pending must complete exactly once (collect() asserts no duplicates).
TEST_F(ManagerTest, EveryPendingRequestCompletesExactlyOnceUnderChurn) {
  uint64_t x = 12345;
  auto rnd = [&](uint64_t n) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x % n;
  };
  std::vector<std::string> known;
  std::vector<uint64_t> pending;
  for (int step = 0; step < 3000; ++step) {
    const Group* g = gm->find("g");
    switch (rnd(6)) {
      case 0: {
        auto r = join_req("", rnd(3) == 0 ? std::optional<std::string>("i" + std::to_string(rnd(3))) : std::nullopt);
        auto resp = join(r);
        if (!resp) pending.push_back(r.token);
        else if (!resp->member_id.empty()) known.push_back(resp->member_id);
        break;
      }
      case 1:
        if (!known.empty()) {
          auto r = join_req(known[rnd(known.size())]);
          if (!join(r)) pending.push_back(r.token);
        }
        break;
      case 2:
        if (!known.empty() && g) {
          const std::string& id = known[rnd(known.size())];
          std::map<std::string, Bytes> assign;
          for (const auto& m : g->members()) assign[m.member_id] = Bytes{1};
          auto r = sync_req(id, g->generation_id(), assign);
          if (!sync(r)) pending.push_back(r.token);
        }
        break;
      case 3:
        if (!known.empty() && g) gm->heartbeat("g", hb(known[rnd(known.size())], g->generation_id()), now);
        break;
      case 4:
        if (!known.empty()) {
          gm->leave("g", {{known[rnd(known.size())], std::nullopt}}, now);
          collect();
        }
        break;
      case 5: tick(static_cast<int64_t>(rnd(8000))); break;
    }
  }
  // Drain: everyone leaves, then time passes; nothing may stay parked.
  for (const auto& id : known) gm->leave("g", {{id, std::nullopt}}, now);
  collect();
  tick(1000000);
  for (uint64_t t : pending) EXPECT_EQ(done.count(t), 1u) << "token " << t << " never completed";
}

}  // namespace
}  // namespace gregor::group::testing
