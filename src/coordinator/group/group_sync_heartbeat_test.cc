// SyncGroup and Heartbeat: their error codes in each state, assignment propagation, and the
// pending-sync timeout.
#include "coordinator/group/test_util.h"

namespace gregor::group::testing {
namespace {

using SyncHeartbeatTest = GroupTest;

TEST_F(SyncHeartbeatTest, SyncOfMissingGroupIsUnknownMember) {
  EXPECT_EQ(sync(sync_req("m", 1))->error, ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_F(SyncHeartbeatTest, SyncWithUnknownMemberIsRejected) {
  join_dynamic();
  EXPECT_EQ(sync(sync_req("nobody", 1))->error, ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_F(SyncHeartbeatTest, SyncWithWrongGenerationIsIllegalGeneration) {
  auto [a, ta] = join_dynamic();
  EXPECT_EQ(sync(sync_req(a, 7))->error, ErrorCode::ILLEGAL_GENERATION);
}

TEST_F(SyncHeartbeatTest, SyncWithOtherProtocolNameIsInconsistent) {
  auto [a, ta] = join_dynamic();
  auto r = sync_req(a, 1);
  r.protocol_name = "roundrobin";
  EXPECT_EQ(sync(r)->error, ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
  r = sync_req(a, 1);
  r.protocol_type = "connect";
  EXPECT_EQ(sync(r)->error, ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
}

TEST_F(SyncHeartbeatTest, SyncDuringPreparingRebalanceIsRebalanceInProgress) {
  auto ids = stable_group_of_three();
  join(join_req(ids[0]));  // leader rejoin: PreparingRebalance
  EXPECT_EQ(sync(sync_req(ids[1], 2))->error, ErrorCode::REBALANCE_IN_PROGRESS);
}

TEST_F(SyncHeartbeatTest, LeaderSyncMovesToStableAndAnswersParkedFollowers) {
  auto [a, ta] = join_dynamic();
  auto [b, tb] = join_dynamic();
  join(join_req(a));
  ASSERT_EQ(state(), GroupState::kCompletingRebalance);
  auto fs = sync_req(b, 2);
  EXPECT_FALSE(sync(fs).has_value());
  auto ls = sync_req(a, 2, {{a, Bytes{0xa}}, {b, Bytes{0xb}}, {"stranger", Bytes{0xc}}});
  EXPECT_FALSE(sync(ls).has_value());
  EXPECT_EQ(state(), GroupState::kStable);
  EXPECT_EQ(sync_result(fs.token).assignment, Bytes{0xb});
  EXPECT_EQ(sync_result(ls.token).assignment, Bytes{0xa});
  // A late follower sync in Stable is answered at once.
  auto again = sync(sync_req(b, 2));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->assignment, Bytes{0xb});
}

TEST_F(SyncHeartbeatTest, MemberLeftOutByLeaderGetsEmptyAssignment) {
  auto [a, ta] = join_dynamic();
  auto [b, tb] = join_dynamic();
  join(join_req(a));
  auto fs = sync_req(b, 2);
  sync(fs);
  sync(sync_req(a, 2, {{a, Bytes{1}}}));
  EXPECT_EQ(sync_result(fs.token).error, ErrorCode::NONE);
  EXPECT_TRUE(sync_result(fs.token).assignment.empty());
}

TEST_F(SyncHeartbeatTest, ParkedSyncIsCancelledWhenRebalanceStarts) {
  auto [a, ta] = join_dynamic();
  auto fs = sync_req(a, 1);
  // a is leader; park a follower's sync by adding b first.
  auto [b, tb] = join_dynamic();  // CompletingRebalance -> PreparingRebalance
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  (void)fs;
  join(join_req(a));
  auto bs = sync_req(b, 2);
  sync(bs);
  join(join_req(b, std::nullopt, protocols({"range"}, {"x"})));  // b changes metadata
  EXPECT_EQ(sync_result(bs.token).error, ErrorCode::REBALANCE_IN_PROGRESS);
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
}

TEST_F(SyncHeartbeatTest, MembersThatNeverSyncAreRemovedAfterRebalanceTimeout) {
  session_timeout = 60000;
  auto [a, ta] = join_dynamic();
  auto [b, tb] = join_dynamic();
  join(join_req(a));
  sync(sync_req(a, 2, {{a, Bytes{1}}, {b, Bytes{2}}}));  // only the leader syncs
  ASSERT_EQ(state(), GroupState::kStable);
  tick(30000);
  EXPECT_EQ(group().member(b), nullptr);
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
}

TEST_F(SyncHeartbeatTest, HeartbeatErrorsFollowGroupState) {
  EXPECT_EQ(gm->heartbeat("g", hb("m", 0), now), ErrorCode::UNKNOWN_MEMBER_ID);  // no group
  auto ids = stable_group_of_three();
  EXPECT_EQ(gm->heartbeat("g", hb(ids[1], 2), now), ErrorCode::NONE);
  EXPECT_EQ(gm->heartbeat("g", hb(ids[1], 1), now), ErrorCode::ILLEGAL_GENERATION);
  EXPECT_EQ(gm->heartbeat("g", hb("nobody", 2), now), ErrorCode::UNKNOWN_MEMBER_ID);
  join(join_req(ids[0]));
  EXPECT_EQ(gm->heartbeat("g", hb(ids[1], 2), now), ErrorCode::REBALANCE_IN_PROGRESS);
  join(join_req(ids[1]));
  join(join_req(ids[2]));
  ASSERT_EQ(state(), GroupState::kCompletingRebalance);
  EXPECT_EQ(gm->heartbeat("g", hb(ids[1], 3), now), ErrorCode::NONE);
  EXPECT_EQ(gm->heartbeat("g", hb(ids[1], 2), now), ErrorCode::ILLEGAL_GENERATION);
}

TEST_F(SyncHeartbeatTest, HeartbeatsKeepAMemberAlivePastItsSessionTimeout) {
  auto ids = stable_group_of_three();
  for (int i = 0; i < 10; ++i) {
    tick(5000);
    for (auto& id : ids) ASSERT_EQ(gm->heartbeat("g", hb(id, 2), now), ErrorCode::NONE);
  }
  EXPECT_EQ(state(), GroupState::kStable);
  EXPECT_EQ(group().size(), 3u);
}

}  // namespace
}  // namespace gregor::group::testing
