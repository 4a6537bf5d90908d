// LeaveGroup and session expiry: both remove members and rebalance the rest; the last member
// out leaves the group Empty with a new generation.
#include "coordinator/group/test_util.h"

namespace gregor::group::testing {
namespace {

using LeaveExpiryTest = GroupTest;

TEST_F(LeaveExpiryTest, LeavingMemberTriggersRebalanceOfTheRest) {
  auto ids = stable_group_of_three();
  auto r = gm->leave("g", {LeavingMember{ids[1], std::nullopt}}, now);
  EXPECT_EQ(r.error, ErrorCode::NONE);
  ASSERT_EQ(r.member_errors.size(), 1u);
  EXPECT_EQ(r.member_errors[0], ErrorCode::NONE);
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  auto ra = join_req(ids[0]);
  auto rc = join_req(ids[2]);
  join(ra);
  join(rc);
  EXPECT_EQ(state(), GroupState::kCompletingRebalance);
  EXPECT_EQ(join_result(ra.token).generation_id, 3);
  EXPECT_EQ(join_result(ra.token).members.size(), 2u);
}

TEST_F(LeaveExpiryTest, LeaderLeavingHandsLeadershipToNextMember) {
  auto ids = stable_group_of_three();
  gm->leave("g", {LeavingMember{ids[0], std::nullopt}}, now);
  EXPECT_EQ(*group().leader_id(), ids[1]);
}

TEST_F(LeaveExpiryTest, BatchLeaveReportsPerMemberErrors) {
  auto ids = stable_group_of_three();
  auto r = gm->leave("g", {LeavingMember{ids[0], std::nullopt}, LeavingMember{"ghost", std::nullopt},
                           LeavingMember{"", std::string("no-such-instance")}},
                     now);
  EXPECT_EQ(r.member_errors,
            (std::vector<ErrorCode>{ErrorCode::NONE, ErrorCode::UNKNOWN_MEMBER_ID, ErrorCode::UNKNOWN_MEMBER_ID}));
}

TEST_F(LeaveExpiryTest, LeaveOfMissingGroupIsUnknownMemberPerMember) {
  auto r = gm->leave("nope", {LeavingMember{"a", std::nullopt}}, now);
  EXPECT_EQ(r.error, ErrorCode::NONE);
  EXPECT_EQ(r.member_errors, std::vector<ErrorCode>{ErrorCode::UNKNOWN_MEMBER_ID});
}

TEST_F(LeaveExpiryTest, AllMembersLeavingEmptiesGroupAndBumpsGeneration) {
  auto ids = stable_group_of_three();
  gm->leave("g", {{ids[0], std::nullopt}, {ids[1], std::nullopt}, {ids[2], std::nullopt}}, now);
  EXPECT_EQ(state(), GroupState::kEmpty);
  EXPECT_EQ(group().generation_id(), 3);
  EXPECT_FALSE(group().protocol_name().has_value());
}

TEST_F(LeaveExpiryTest, LeavingPendingMemberIsAccepted) {
  auto first = join(join_req());
  auto r = gm->leave("g", {LeavingMember{first->member_id, std::nullopt}}, now);
  EXPECT_EQ(r.member_errors, std::vector<ErrorCode>{ErrorCode::NONE});
  EXPECT_FALSE(group().is_pending_member(first->member_id));
}

TEST_F(LeaveExpiryTest, LeavingMemberWithParkedJoinGetsUnknownMember) {
  auto ids = stable_group_of_three();
  auto r0 = join_req(ids[0]);
  join(r0);  // parked in PreparingRebalance
  gm->leave("g", {LeavingMember{ids[0], std::nullopt}}, now);
  collect();
  EXPECT_EQ(join_result(r0.token).error, ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_F(LeaveExpiryTest, SilentMemberExpiresAfterSessionTimeoutThenGroupRebalances) {
  auto ids = stable_group_of_three();
  int64_t start = now;
  // ids[0] and ids[1] keep heartbeating; ids[2] goes silent.
  while (group().member(ids[2]) != nullptr) {
    tick(1000);
    ASSERT_LE(now - start, 11000);
    gm->heartbeat("g", hb(ids[0], 2), now);
    gm->heartbeat("g", hb(ids[1], 2), now);
  }
  EXPECT_EQ(now - start, 10000);
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  // The survivors learn of the rebalance from their heartbeat and rejoin.
  EXPECT_EQ(gm->heartbeat("g", hb(ids[0], 2), now), ErrorCode::REBALANCE_IN_PROGRESS);
  join(join_req(ids[0]));
  join(join_req(ids[1]));
  EXPECT_EQ(state(), GroupState::kCompletingRebalance);
  EXPECT_EQ(group().generation_id(), 3);
  EXPECT_EQ(group().size(), 2u);
}

TEST_F(LeaveExpiryTest, PendingMemberExpiresAfterSessionTimeout) {
  auto first = join(join_req());
  tick(10000);
  const Group* g = gm->find("g");  // the Empty group may also have been cleaned up
  EXPECT_TRUE(g == nullptr || !g->is_pending_member(first->member_id));
  EXPECT_EQ(join(join_req(first->member_id))->error, ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_F(LeaveExpiryTest, MemberAwaitingJoinDoesNotExpireBeforeJoinPhaseEnds) {
  session_timeout = 6000;
  auto ids = stable_group_of_three();
  auto r0 = join_req(ids[0]);
  join(r0);
  gm->heartbeat("g", hb(ids[1], 2), now);
  gm->heartbeat("g", hb(ids[2], 2), now);
  tick(7000);  // ids[1], ids[2] expire; ids[0] is parked, so it stays and the phase completes
  EXPECT_EQ(join_result(r0.token).error, ErrorCode::NONE);
  EXPECT_EQ(group().size(), 1u);
}

TEST_F(LeaveExpiryTest, TickOutcomeDoesNotDependOnTickGranularity) {
  auto run = [&](int64_t step) {
    reset(default_config());
    done.clear();
    auto ids = stable_group_of_three();
    join(join_req(ids[0]));  // leader rejoins; the others stay silent and expire at 10 s
    for (int64_t t = 0; t < 19000; t += step) tick(step);
    return std::make_tuple(group().generation_id(), std::string(state_name(group().state())), group().size());
  };
  auto coarse = run(19000);
  auto fine = run(100);
  EXPECT_EQ(coarse, fine);
  EXPECT_EQ(coarse, std::make_tuple(3, std::string("CompletingRebalance"), size_t{1}));
}

}  // namespace
}  // namespace gregor::group::testing
