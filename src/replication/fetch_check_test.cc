#include "replication/fetch_check.h"

#include <gtest/gtest.h>

#include "model/error_code.h"

namespace gregor::replication {
namespace {

using model::ErrorCode;
using model::to_int;

int16_t code(const Status& s) { return s.ok() ? 0 : s.error().code; }

TEST(FetchCheck, AbsentEpochAlwaysPassesTheEpochCheck) {
  EXPECT_TRUE(check_current_leader_epoch(5, kNoLeaderEpoch).ok());
}

TEST(FetchCheck, OlderRequestEpochIsFenced) {
  EXPECT_EQ(code(check_current_leader_epoch(5, 4)), to_int(ErrorCode::FENCED_LEADER_EPOCH));
  EXPECT_EQ(to_int(ErrorCode::FENCED_LEADER_EPOCH), 74);
}

TEST(FetchCheck, NewerRequestEpochIsUnknown) {
  EXPECT_EQ(code(check_current_leader_epoch(5, 6)), to_int(ErrorCode::UNKNOWN_LEADER_EPOCH));
  EXPECT_EQ(to_int(ErrorCode::UNKNOWN_LEADER_EPOCH), 75);
}

TEST(FetchCheck, MatchingEpochOnLeaderPasses) {
  EXPECT_TRUE(check_leader_request({true, 5}, 5).ok());
  EXPECT_TRUE(check_leader_request({true, 5}, kNoLeaderEpoch).ok());
}

TEST(FetchCheck, NotLeaderWithMatchingEpochIsNotLeaderOrFollower) {
  EXPECT_EQ(code(check_leader_request({false, 5}, 5)), to_int(ErrorCode::NOT_LEADER_OR_FOLLOWER));
  EXPECT_EQ(code(check_leader_request({false, 5}, kNoLeaderEpoch)), to_int(ErrorCode::NOT_LEADER_OR_FOLLOWER));
}

TEST(FetchCheck, EpochErrorsTakePrecedenceOverLeadership) {
  EXPECT_EQ(code(check_leader_request({false, 5}, 3)), to_int(ErrorCode::FENCED_LEADER_EPOCH));
  EXPECT_EQ(code(check_leader_request({false, 5}, 7)), to_int(ErrorCode::UNKNOWN_LEADER_EPOCH));
}

TEST(FetchCheck, UnassignedFollowerWithEpochGetsUnknownLeaderEpoch) {
  EXPECT_EQ(code(check_follower_fetch({true, 5}, 5, 9, false)), to_int(ErrorCode::UNKNOWN_LEADER_EPOCH));
}

TEST(FetchCheck, UnassignedFollowerWithoutEpochGetsNotLeaderOrFollower) {
  EXPECT_EQ(code(check_follower_fetch({true, 5}, kNoLeaderEpoch, 9, false)),
            to_int(ErrorCode::NOT_LEADER_OR_FOLLOWER));
}

TEST(FetchCheck, AssignedFollowerOnLeaderPasses) { EXPECT_TRUE(check_follower_fetch({true, 5}, 5, 2, true).ok()); }

TEST(FetchCheck, FollowerFetchFromNonLeaderIsRefused) {
  EXPECT_EQ(code(check_follower_fetch({false, 5}, 5, 2, true)), to_int(ErrorCode::NOT_LEADER_OR_FOLLOWER));
}

}  // namespace
}  // namespace gregor::replication
