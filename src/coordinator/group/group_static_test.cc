// Static membership (group.instance.id): restart without rebalance, fencing of stale ids,
// protocol changes that do force a rebalance, and static members surviving the join phase.
#include "coordinator/group/test_util.h"

namespace gregor::group::testing {
namespace {

class StaticTest : public GroupTest {
 protected:
  // Two static members "i1" (leader) and "i2" in Stable generation 1 or 2; returns their ids.
  std::pair<std::string, std::string> stable_static_pair(std::vector<Protocol> protos = protocols({"range"})) {
    auto r1 = join_req("", "i1", protos);
    EXPECT_FALSE(join(r1).has_value());  // static members skip MEMBER_ID_REQUIRED
    std::string m1 = join_result(r1.token).member_id;
    auto r2 = join_req("", "i2", protos);
    join(r2);
    join(join_req(m1, "i1", protos));
    std::string m2 = join_result(r2.token).member_id;
    int32_t gen = group().generation_id();
    sync(sync_req(m2, gen));
    auto s1 = sync_req(m1, gen, {{m1, Bytes{1}}, {m2, Bytes{2}}});
    s1.group_instance_id = "i1";
    sync(s1);
    EXPECT_EQ(state(), GroupState::kStable);
    return {m1, m2};
  }
};

TEST_F(StaticTest, RestartedStaticMemberGetsItsAssignmentWithoutRebalance) {
  auto [m1, m2] = stable_static_pair();
  int32_t gen = group().generation_id();
  auto r = join(join_req("", "i2"));
  ASSERT_TRUE(r);  // answered at once
  EXPECT_EQ(r->error, ErrorCode::NONE);
  EXPECT_NE(r->member_id, m2);
  EXPECT_EQ(r->generation_id, gen);
  EXPECT_EQ(r->leader, m1);
  EXPECT_EQ(state(), GroupState::kStable);
  EXPECT_EQ(group().static_member_id("i2"), r->member_id);
  auto s = sync_req(r->member_id, gen);
  s.group_instance_id = "i2";
  auto sr = sync(s);
  ASSERT_TRUE(sr);
  EXPECT_EQ(sr->assignment, Bytes{2});
}

TEST_F(StaticTest, OldMemberIdOfReplacedStaticMemberIsFenced) {
  auto [m1, m2] = stable_static_pair();
  auto r = join(join_req("", "i2"));
  EXPECT_EQ(gm->heartbeat("g", hb(m2, group().generation_id(), "i2"), now), ErrorCode::FENCED_INSTANCE_ID);
  auto s = sync_req(m2, group().generation_id());
  s.group_instance_id = "i2";
  EXPECT_EQ(sync(s)->error, ErrorCode::FENCED_INSTANCE_ID);
  EXPECT_EQ(join(join_req(m2, "i2"))->error, ErrorCode::FENCED_INSTANCE_ID);
  // Without the instance id the stale id is simply unknown.
  EXPECT_EQ(gm->heartbeat("g", hb(m2, group().generation_id()), now), ErrorCode::UNKNOWN_MEMBER_ID);
  (void)r;
}

TEST_F(StaticTest, ReplacedMemberWithParkedJoinIsFenced) {
  auto [m1, m2] = stable_static_pair();
  auto parked = join_req(m1, "i1");
  join(parked);  // leader rejoin: PreparingRebalance, parked
  auto r = join_req("", "i1");
  join(r);
  EXPECT_EQ(join_result(parked.token).error, ErrorCode::FENCED_INSTANCE_ID);
}

TEST_F(StaticTest, RestartedStaticLeaderWithSkipAssignmentSupportIsToldItLeads) {
  auto [m1, m2] = stable_static_pair();
  auto req = join_req("", "i1");
  req.supports_skip_assignment = true;
  auto r = join(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->leader, r->member_id);
  EXPECT_TRUE(r->skip_assignment);
  EXPECT_EQ(r->members.size(), 2u);
  EXPECT_EQ(state(), GroupState::kStable);
}

TEST_F(StaticTest, RestartedStaticLeaderWithoutSkipAssignmentSeesOldLeaderId) {
  auto [m1, m2] = stable_static_pair();
  auto r = join(join_req("", "i1"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->leader, m1);
  EXPECT_FALSE(r->skip_assignment);
  EXPECT_TRUE(r->members.empty());
}

TEST_F(StaticTest, RestartWithoutSharedProtocolIsInconsistent) {
  stable_static_pair();
  EXPECT_EQ(join(join_req("", "i2", protocols({"roundrobin"})))->error, ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
}

TEST_F(StaticTest, RestartThatChangesSelectedProtocolTriggersRebalance) {
  auto [m1, m2] = stable_static_pair(protocols({"range", "roundrobin"}));
  ASSERT_EQ(group().protocol_name(), "range");
  auto r = join_req("", "i2", protocols({"roundrobin"}));
  EXPECT_FALSE(join(r).has_value());
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  join(join_req(m1, "i1", protocols({"range", "roundrobin"})));
  EXPECT_EQ(join_result(r.token).protocol_name, "roundrobin");
}

TEST_F(StaticTest, RestartWithChangedMetadataButSameProtocolDoesNotRebalance) {
  stable_static_pair();
  auto r = join(join_req("", "i2", protocols({"range"}, {"other-topic"})));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->error, ErrorCode::NONE);
  EXPECT_EQ(state(), GroupState::kStable);
}

TEST_F(StaticTest, StaticMemberNotRejoiningSurvivesJoinPhaseUntilSessionExpires) {
  session_timeout = 60000;
  auto [m1, m2] = stable_static_pair();
  auto r1 = join_req(m1, "i1");
  join(r1);
  tick(30000);  // rebalance timeout: i2 did not rejoin but is static, so it stays
  EXPECT_EQ(join_result(r1.token).error, ErrorCode::NONE);
  EXPECT_NE(group().member(m2), nullptr);
  EXPECT_EQ(state(), GroupState::kCompletingRebalance);
}

TEST_F(StaticTest, LeaveByInstanceIdRemovesStaticMember) {
  auto [m1, m2] = stable_static_pair();
  auto r = gm->leave("g", {LeavingMember{"", std::string("i2")}}, now);
  EXPECT_EQ(r.member_errors, std::vector<ErrorCode>{ErrorCode::NONE});
  EXPECT_EQ(group().member(m2), nullptr);
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
}

TEST_F(StaticTest, LeaveWithStaleMemberIdIsFenced) {
  auto [m1, m2] = stable_static_pair();
  join(join_req("", "i2"));
  auto r = gm->leave("g", {LeavingMember{m2, std::string("i2")}}, now);
  EXPECT_EQ(r.member_errors, std::vector<ErrorCode>{ErrorCode::FENCED_INSTANCE_ID});
}

}  // namespace
}  // namespace gregor::group::testing
