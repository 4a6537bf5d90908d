// Offset commit validation, fetch, retention and OffsetDelete, through GroupManager.
#include "coordinator/group/test_util.h"

namespace gregor::group::testing {
namespace {

class OffsetTest : public GroupTest {
 protected:
  OffsetCommitRequest commit(const std::string& member, int32_t gen, std::vector<std::string> topics = {"t"}) {
    OffsetCommitRequest r;
    r.group_id = "g";
    r.member_id = member;
    r.generation_id = gen;
    for (auto& t : topics) r.partitions.push_back(OffsetCommitPartition{{t, 0}, 42, 3, "meta"});
    return r;
  }
  ErrorCode commit_error(const OffsetCommitRequest& r) {
    auto res = gm->commit_offsets(r, now);
    return res.empty() ? ErrorCode::UNKNOWN_SERVER_ERROR : res[0].error;
  }
};

TEST_F(OffsetTest, SimpleCommitCreatesOffsetsOnlyGroupAndFetchReturnsIt) {
  EXPECT_EQ(commit_error(commit("", -1)), ErrorCode::NONE);
  EXPECT_EQ(state(), GroupState::kEmpty);
  EXPECT_FALSE(group().protocol_type().has_value());
  auto f = gm->fetch_offsets("g", std::vector<TopicPartition>{{"t", 0}, {"t", 1}});
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].offset, 42);
  EXPECT_EQ(f[0].leader_epoch, 3);
  EXPECT_EQ(f[0].metadata, "meta");
  EXPECT_EQ(f[1].offset, -1);
  EXPECT_EQ(gm->fetch_offsets("g", std::nullopt).size(), 1u);
}

TEST_F(OffsetTest, FetchOfUnknownGroupReturnsNoOffsets) {
  auto f = gm->fetch_offsets("nope", std::vector<TopicPartition>{{"t", 0}});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].offset, -1);
  EXPECT_EQ(f[0].error, ErrorCode::NONE);
}

TEST_F(OffsetTest, CommitWithGenerationToMissingGroupDependsOnVersion) {
  auto r = commit("m", 1);
  EXPECT_EQ(commit_error(r), ErrorCode::GROUP_ID_NOT_FOUND);
  r.api_version = 8;
  EXPECT_EQ(commit_error(r), ErrorCode::ILLEGAL_GENERATION);
}

TEST_F(OffsetTest, MemberCommitIsCheckedAgainstMemberAndGeneration) {
  auto ids = stable_group_of_three();
  EXPECT_EQ(commit_error(commit(ids[1], 2)), ErrorCode::NONE);
  EXPECT_EQ(commit_error(commit(ids[1], 1)), ErrorCode::ILLEGAL_GENERATION);
  EXPECT_EQ(commit_error(commit("ghost", 2)), ErrorCode::UNKNOWN_MEMBER_ID);
  EXPECT_EQ(commit_error(commit("", -1)), ErrorCode::UNKNOWN_MEMBER_ID);  // simple commit to a live group
}

TEST_F(OffsetTest, CommitDuringCompletingRebalanceIsRebalanceInProgress) {
  auto [a, ta] = join_dynamic();
  EXPECT_EQ(commit_error(commit(a, 1)), ErrorCode::REBALANCE_IN_PROGRESS);
}

TEST_F(OffsetTest, CommitDuringPreparingRebalanceWithCurrentGenerationIsAccepted) {
  auto ids = stable_group_of_three();
  join(join_req(ids[0]));
  EXPECT_EQ(commit_error(commit(ids[1], 2)), ErrorCode::NONE);
}

TEST_F(OffsetTest, StaticMemberCommitWithStaleIdIsFenced) {
  auto r1 = join_req("", "i1");
  join(r1);
  std::string m1 = join_result(r1.token).member_id;
  auto c = commit("stale", 1);
  c.group_instance_id = "i1";
  EXPECT_EQ(commit_error(c), ErrorCode::FENCED_INSTANCE_ID);
  (void)m1;
}

TEST_F(OffsetTest, OversizedMetadataIsRejectedPerPartition) {
  auto r = commit("", -1);
  r.partitions[0].metadata.assign(5000, 'x');
  EXPECT_EQ(commit_error(r), ErrorCode::OFFSET_METADATA_TOO_LARGE);
}

TEST_F(OffsetTest, OffsetsOfEmptyGroupExpireAfterRetentionAndGroupIsDeleted) {
  auto [a, ta] = join_dynamic();
  sync(sync_req(a, 1, {{a, Bytes{1}}}));
  ASSERT_EQ(commit_error(commit(a, 1)), ErrorCode::NONE);
  gm->leave("g", {{a, std::nullopt}}, now);
  ASSERT_EQ(state(), GroupState::kEmpty);
  now += config.offsets_retention_ms - 1;
  EXPECT_TRUE(gm->expire_offsets(now).empty());
  EXPECT_TRUE(gm->offsets().has_offsets("g"));
  now += 1;
  EXPECT_EQ(gm->expire_offsets(now), std::vector<std::string>{"g"});
  EXPECT_EQ(gm->find("g"), nullptr);
}

TEST_F(OffsetTest, OffsetsOfActiveGroupDoNotExpire) {
  auto ids = stable_group_of_three();
  commit_error(commit(ids[0], 2));
  now += config.offsets_retention_ms * 2;
  gm->expire_offsets(now);
  EXPECT_TRUE(gm->offsets().has_offsets("g"));
}

TEST_F(OffsetTest, StableConsumerGroupExpiresOnlyUnsubscribedTopics) {
  auto ids = stable_group_of_three();  // subscribed to "t"
  commit_error(commit(ids[0], 2, {"t", "old"}));
  now += config.offsets_retention_ms;
  gm->expire_offsets(now);
  EXPECT_NE(gm->offsets().get("g", {"t", 0}), nullptr);
  EXPECT_EQ(gm->offsets().get("g", {"old", 0}), nullptr);
}

TEST_F(OffsetTest, SimpleGroupOffsetsExpireFromCommitTime) {
  commit_error(commit("", -1));
  now += config.offsets_retention_ms;
  EXPECT_EQ(gm->expire_offsets(now), std::vector<std::string>{"g"});
}

TEST_F(OffsetTest, ExplicitRetentionOverridesConfiguredRetention) {
  auto r = commit("", -1);
  r.retention_ms = 1000;
  commit_error(r);
  now += 1000;
  gm->expire_offsets(now);
  EXPECT_FALSE(gm->offsets().has_offsets("g"));
}

TEST_F(OffsetTest, DeleteOffsetsOfSubscribedTopicIsRefusedWhileGroupIsActive) {
  auto ids = stable_group_of_three();
  commit_error(commit(ids[0], 2, {"t", "other"}));
  auto r = gm->delete_offsets("g", {{"t", 0}, {"other", 0}});
  EXPECT_EQ(r.error, ErrorCode::NONE);
  ASSERT_EQ(r.partitions.size(), 2u);
  EXPECT_EQ(r.partitions[0].error, ErrorCode::GROUP_SUBSCRIBED_TO_TOPIC);
  EXPECT_EQ(r.partitions[1].error, ErrorCode::NONE);
  EXPECT_EQ(gm->offsets().get("g", {"other", 0}), nullptr);
  EXPECT_NE(gm->offsets().get("g", {"t", 0}), nullptr);
}

TEST_F(OffsetTest, DeleteOffsetsOfEmptyGroupAndOfMissingGroup) {
  commit_error(commit("", -1));
  EXPECT_EQ(gm->delete_offsets("g", {{"t", 0}}).partitions[0].error, ErrorCode::NONE);
  EXPECT_FALSE(gm->offsets().has_offsets("g"));
  EXPECT_EQ(gm->delete_offsets("nope", {{"t", 0}}).error, ErrorCode::GROUP_ID_NOT_FOUND);
}

TEST_F(OffsetTest, DeleteOffsetsOfNonConsumerActiveGroupIsNonEmptyGroup) {
  auto r = join_req();
  r.protocol_type = "connect";
  r.require_known_member_id = false;
  join(r);
  EXPECT_EQ(gm->delete_offsets("g", {{"t", 0}}).error, ErrorCode::NON_EMPTY_GROUP);
}

}  // namespace
}  // namespace gregor::group::testing
