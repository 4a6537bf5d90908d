#include "replication/pending_acks.h"

#include <gtest/gtest.h>

#include "model/error_code.h"
#include "replication/leader_test_util.h"
#include "replication/partition_leader_state.h"

namespace gregor::replication {
namespace {

using model::ErrorCode;
using model::to_int;
using testing::kLagMs;
using testing::kT0;
using testing::leader_params;

TEST(PendingAcks, CompletesOnceTheHwReachesTheRequiredOffset) {
  PendingAcks acks(8);
  ASSERT_TRUE(acks.add({5, kT0 + 100, 1}).ok());
  ASSERT_TRUE(acks.add({9, kT0 + 100, 2}).ok());
  EXPECT_TRUE(acks.complete_reached(4, 0).empty());
  EXPECT_EQ(acks.complete_reached(8, 0), (std::vector<AckCompletion>{{1, 0}}));
  EXPECT_EQ(acks.complete_reached(9, 0), (std::vector<AckCompletion>{{2, 0}}));
  EXPECT_TRUE(acks.empty());
}

TEST(PendingAcks, OutOfOrderAddsCompleteByOffset) {
  PendingAcks acks(8);
  ASSERT_TRUE(acks.add({9, kT0 + 100, 2}).ok());
  ASSERT_TRUE(acks.add({5, kT0 + 100, 1}).ok());
  EXPECT_EQ(acks.complete_reached(6, 0), (std::vector<AckCompletion>{{1, 0}}));
  EXPECT_EQ(acks.size(), 1u);
}

TEST(PendingAcks, TimesOutAtTheDeadline) {
  PendingAcks acks(8);
  ASSERT_TRUE(acks.add({5, kT0 + 100, 1}).ok());
  ASSERT_TRUE(acks.add({6, kT0 + 50, 2}).ok());
  EXPECT_EQ(acks.next_deadline_ms(), kT0 + 50);
  EXPECT_TRUE(acks.expire(kT0 + 49).empty());
  EXPECT_EQ(acks.expire(kT0 + 50), (std::vector<AckCompletion>{{2, to_int(ErrorCode::REQUEST_TIMED_OUT)}}));
  EXPECT_EQ(acks.expire(kT0 + 100), (std::vector<AckCompletion>{{1, 7}}));
  EXPECT_FALSE(acks.next_deadline_ms().has_value());
}

TEST(PendingAcks, LosingLeadershipFailsEverything) {
  PendingAcks acks(8);
  ASSERT_TRUE(acks.add({5, kT0 + 100, 1}).ok());
  ASSERT_TRUE(acks.add({6, kT0 + 100, 2}).ok());
  int16_t nl = to_int(ErrorCode::NOT_LEADER_OR_FOLLOWER);
  EXPECT_EQ(acks.fail_all(nl), (std::vector<AckCompletion>{{1, nl}, {2, nl}}));
  EXPECT_TRUE(acks.empty());
}

TEST(PendingAcks, IsBounded) {
  PendingAcks acks(2);
  ASSERT_TRUE(acks.add({1, kT0, 1}).ok());
  ASSERT_TRUE(acks.add({2, kT0, 2}).ok());
  Status s = acks.add({3, kT0, 3});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, to_int(ErrorCode::REQUEST_TIMED_OUT));
  EXPECT_EQ(acks.size(), 2u);
}

// acks=all through the leader: the ISR shrinks below min.insync.replicas after the append, so
// the HW is blocked (Kafka >= 3.7) and the waiting produce times out; new ones are refused.
TEST(PendingAcks, UnderMinIsrAfterAppendTheProduceTimesOut) {
  PartitionLeaderState s(leader_params({1, 2, 3}, {1, 2, 3}, 0, 0, /*min_isr=*/2));
  ASSERT_TRUE(s.on_follower_fetch(2, 0, 0, kT0).ok());
  ASSERT_TRUE(s.on_follower_fetch(3, 0, 0, kT0).ok());
  PendingAcks acks(8);
  ASSERT_TRUE(s.check_enough_replicas().ok());
  s.on_local_append(5, kT0 + 1);
  ASSERT_TRUE(acks.add({5, kT0 + kLagMs + 1000, 42}).ok());
  // Followers 2 and 3 stop fetching; the ISR shrinks to {1}.
  int64_t now = kT0 + kLagMs + 1;
  auto p = s.maybe_shrink_isr(now);
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->new_isr, (std::vector<int32_t>{1}));
  ASSERT_EQ(s.on_alter_partition_response(p->id, AlterPartitionResponse{0, 5, 8, {1}}, now).action,
            AlterResponseAction::kCommitted);
  EXPECT_TRUE(s.is_under_min_isr());
  EXPECT_EQ(s.high_watermark(), 0);
  EXPECT_TRUE(acks.complete_reached(s.high_watermark(), s.acks_reached_error_code()).empty());
  EXPECT_EQ(s.check_enough_replicas().error().code, to_int(ErrorCode::NOT_ENOUGH_REPLICAS));
  EXPECT_EQ(acks.expire(kT0 + kLagMs + 1000), (std::vector<AckCompletion>{{42, 7}}));
}

// The HW reaches a waiting batch while the maximal ISR is below min ISR: the ack is reported
// as NOT_ENOUGH_REPLICAS_AFTER_APPEND (the records are committed, but not as safely as asked).
TEST(PendingAcks, ReachedUnderMinIsrCompletesWithNotEnoughReplicasAfterAppend) {
  PartitionLeaderState s(leader_params({1, 2, 3}, {1, 2}, 0, 0, /*min_isr=*/2));
  ASSERT_TRUE(s.on_follower_fetch(2, 0, 0, kT0).ok());
  s.on_local_append(5, kT0 + 1);
  PendingAcks acks(8);
  ASSERT_TRUE(acks.add({5, kT0 + 60000, 7}).ok());
  ASSERT_TRUE(s.on_follower_fetch(2, 5, 5, kT0 + 2).ok());
  ASSERT_EQ(s.high_watermark(), 5);
  // Raising min.insync.replicas to 3 after the HW moved: the maximal ISR {1,2} is below it.
  s.set_config(LeaderConfig{3, kLagMs}, kT0 + 3);
  AckCheck c = s.check_enough_replicas_reach_offset(5);
  EXPECT_TRUE(c.reached);
  EXPECT_EQ(c.error_code, to_int(ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND));
  EXPECT_EQ(acks.complete_reached(s.high_watermark(), s.acks_reached_error_code()),
            (std::vector<AckCompletion>{{7, 20}}));
}

}  // namespace
}  // namespace gregor::replication
