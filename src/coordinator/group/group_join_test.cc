// JoinGroup: first joins, MEMBER_ID_REQUIRED, protocol selection, size and timeout bounds,
// the initial rebalance delay, and three members joining and syncing.
#include "coordinator/group/test_util.h"

namespace gregor::group::testing {
namespace {

using JoinTest = GroupTest;

TEST_F(JoinTest, FirstJoinV4RequiresMemberIdAndKeepsGroupEmpty) {
  auto r = join(join_req());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->error, ErrorCode::MEMBER_ID_REQUIRED);
  EXPECT_EQ(r->member_id.rfind("client-", 0), 0u);
  EXPECT_EQ(state(), GroupState::kEmpty);
  EXPECT_TRUE(group().is_pending_member(r->member_id));
}

TEST_F(JoinTest, MemberIdsAreDeterministicForASeed) {
  auto a = join(join_req());
  GroupManager other(config, 42);
  auto b = other.join("g", join_req(), now);
  EXPECT_EQ(a->member_id, b->member_id);
}

TEST_F(JoinTest, SingleMemberBecomesLeaderOfGenerationOne) {
  auto [id, token] = join_dynamic();
  auto r = join_result(token);
  EXPECT_EQ(r.error, ErrorCode::NONE);
  EXPECT_EQ(r.generation_id, 1);
  EXPECT_EQ(r.leader, id);
  EXPECT_EQ(r.protocol_name, "range");
  EXPECT_EQ(r.protocol_type, "consumer");
  ASSERT_EQ(r.members.size(), 1u);
  EXPECT_EQ(state(), GroupState::kCompletingRebalance);
}

TEST_F(JoinTest, OldClientWithoutMemberIdRequirementJoinsDirectly) {
  auto r = join_req();
  r.require_known_member_id = false;
  EXPECT_FALSE(join(r).has_value());
  EXPECT_EQ(join_result(r.token).generation_id, 1);
}

TEST_F(JoinTest, KnownMemberIdOfMissingGroupIsUnknownMember) {
  auto r = join(join_req("ghost"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->error, ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_F(JoinTest, SessionTimeoutOutsideBoundsIsRejected) {
  auto low = join_req();
  low.session_timeout_ms = config.min_session_timeout_ms - 1;
  EXPECT_EQ(join(low)->error, ErrorCode::INVALID_SESSION_TIMEOUT);
  auto high = join_req();
  high.session_timeout_ms = config.max_session_timeout_ms + 1;
  EXPECT_EQ(join(high)->error, ErrorCode::INVALID_SESSION_TIMEOUT);
  auto edge = join_req();
  edge.session_timeout_ms = config.min_session_timeout_ms;
  EXPECT_EQ(join(edge)->error, ErrorCode::MEMBER_ID_REQUIRED);
}

TEST_F(JoinTest, MaxSizeRejectsExtraMember) {
  auto c = default_config();
  c.max_size = 1;
  reset(c);
  auto [a, ta] = join_dynamic();
  auto first = join(join_req());  // turned away before it even gets a member id
  ASSERT_TRUE(first);
  EXPECT_EQ(first->error, ErrorCode::GROUP_MAX_SIZE_REACHED);
  EXPECT_EQ(group().size(), 1u);
  // The existing member may still rejoin.
  auto again = join(join_req(a));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->error, ErrorCode::NONE);
}

TEST_F(JoinTest, DifferentProtocolTypeIsInconsistent) {
  join_dynamic();
  auto r = join_req();
  r.protocol_type = "connect";
  EXPECT_EQ(join(r)->error, ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
}

TEST_F(JoinTest, NoSharedProtocolIsInconsistent) {
  join_dynamic("g", protocols({"range"}));
  EXPECT_EQ(join(join_req("", std::nullopt, protocols({"roundrobin"})))->error, ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
}

TEST_F(JoinTest, EmptyProtocolListIsInconsistentForNewGroup) {
  EXPECT_EQ(join(join_req("", std::nullopt, {}))->error, ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
}

TEST_F(JoinTest, ProtocolWithMostVotesAmongCommonOnesIsSelected) {
  // a prefers range, b and c prefer roundrobin; all support both plus c's sticky.
  auto [a, ta] = join_dynamic("g", protocols({"range", "roundrobin"}));
  auto [b, tb] = join_dynamic("g", protocols({"roundrobin", "range"}));
  auto [c, tc] = join_dynamic("g", protocols({"sticky", "roundrobin", "range"}));
  join(join_req(a, std::nullopt, protocols({"range", "roundrobin"})));
  EXPECT_EQ(state(), GroupState::kCompletingRebalance);
  EXPECT_EQ(group().protocol_name(), "roundrobin");
  EXPECT_EQ(join_result(tc).protocol_name, "roundrobin");
}

TEST_F(JoinTest, InitialDelayHoldsJoinPhaseAndExtendsForNewMembers) {
  auto c = default_config();
  c.initial_rebalance_delay_ms = 3000;
  reset(c);
  auto [a, ta] = join_dynamic();
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  tick(2000);
  auto [b, tb] = join_dynamic();  // a new member during the delay extends it
  tick(1000);                      // first delay ends at 3000: extended by another 3000
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  EXPECT_FALSE(done.count(ta));
  tick(3000);
  EXPECT_EQ(state(), GroupState::kCompletingRebalance);
  EXPECT_EQ(join_result(ta).generation_id, 1);
  EXPECT_EQ(join_result(tb).generation_id, 1);
  EXPECT_EQ(join_result(ta).members.size(), 2u);
}

TEST_F(JoinTest, InitialDelayNeverExceedsRebalanceTimeout) {
  auto c = default_config();
  c.initial_rebalance_delay_ms = 3000;
  reset(c);
  auto r = join_req();
  r.require_known_member_id = false;
  r.rebalance_timeout_ms = 4000;
  join(r);
  for (int i = 0; i < 10 && state() == GroupState::kPreparingRebalance; ++i) {
    auto n = join_req();
    n.require_known_member_id = false;
    n.rebalance_timeout_ms = 4000;
    join(n);
    tick(1000);
  }
  EXPECT_EQ(state(), GroupState::kCompletingRebalance);
  EXPECT_LE(now - 1000, 1000 + 3000 + 4000);
}

TEST_F(JoinTest, ThreeMembersJoinAndSyncTheirAssignments) {
  auto ids = stable_group_of_three();
  EXPECT_EQ(group().generation_id(), 2);
  EXPECT_EQ(*group().leader_id(), ids[0]);
  // Every parked sync completed with the member's own assignment.
  int synced = 0;
  for (auto& [token, c] : done) {
    if (auto* s = std::get_if<SyncResponse>(&c.response)) {
      if (s->error == ErrorCode::NONE) {
        ++synced;
        ASSERT_EQ(s->assignment.size(), 1u);
        EXPECT_EQ(s->protocol_name, "range");
      }
    }
  }
  EXPECT_EQ(synced, 3);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(group().member(ids[i])->assignment, Bytes{uint8_t(i + 1)});
}

TEST_F(JoinTest, FollowerRejoinWithSameMetadataInStableGetsCurrentGeneration) {
  auto ids = stable_group_of_three();
  auto r = join(join_req(ids[1]));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->error, ErrorCode::NONE);
  EXPECT_EQ(r->generation_id, 2);
  EXPECT_TRUE(r->members.empty());
  EXPECT_EQ(state(), GroupState::kStable);
}

TEST_F(JoinTest, LeaderRejoinInStableForcesRebalance) {
  auto ids = stable_group_of_three();
  EXPECT_FALSE(join(join_req(ids[0])).has_value());
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
}

TEST_F(JoinTest, FollowerRejoinWithNewMetadataForcesRebalance) {
  auto ids = stable_group_of_three();
  EXPECT_FALSE(join(join_req(ids[1], std::nullopt, protocols({"range"}, {"t", "u"}))).has_value());
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
}

TEST_F(JoinTest, RetriedJoinDuringCompletingRebalanceReturnsSameGeneration) {
  auto [a, ta] = join_dynamic();
  auto r = join(join_req(a));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->generation_id, 1);
  EXPECT_EQ(r->members.size(), 1u);  // still the leader
}

TEST_F(JoinTest, UnknownMemberIdInExistingGroupIsRejected) {
  join_dynamic();
  EXPECT_EQ(join(join_req("nobody"))->error, ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_F(JoinTest, DynamicMemberNotRejoiningIsDroppedAtRebalanceTimeout) {
  session_timeout = 60000;  // longer than the 30 s rebalance timeout
  auto ids = stable_group_of_three();
  join(join_req(ids[0]));
  join(join_req(ids[1]));
  tick(29999);
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  tick(1);
  EXPECT_EQ(state(), GroupState::kCompletingRebalance);
  EXPECT_EQ(group().size(), 2u);
  EXPECT_EQ(group().member(ids[2]), nullptr);
  EXPECT_EQ(group().generation_id(), 3);
}

}  // namespace
}  // namespace gregor::group::testing
