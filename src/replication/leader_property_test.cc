// Seeded randomized run of a leader and two followers: random appends, follower fetches
// (sometimes lagging for longer than replica.lag.time.max.ms), ISR shrinks and expansions
// answered by a simulated controller. After every step: HW <= LEO of every maximal-ISR member
// that has fetched in this leadership, HW <= leader LEO, HW never decreases.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "replication/leader_test_util.h"
#include "replication/partition_leader_state.h"

namespace gregor::replication {
namespace {

using testing::kLagMs;
using testing::kT0;
using testing::leader_params;

void check(const PartitionLeaderState& s, int64_t& last_hw, uint64_t seed, int step) {
  ASSERT_LE(s.high_watermark(), s.log_end_offset()) << "seed " << seed << " step " << step;
  ASSERT_GE(s.high_watermark(), last_hw) << "seed " << seed << " step " << step;
  last_hw = s.high_watermark();
  for (int32_t id : s.maximal_isr()) {
    if (id == s.local_broker_id()) continue;
    int64_t leo = s.follower(id)->log_end_offset();
    if (leo == kUnknownOffset) continue;  // not fetched since this broker became leader
    ASSERT_LE(s.high_watermark(), leo) << "seed " << seed << " step " << step << " replica " << id;
  }
}

TEST(LeaderProperty, RandomFetchesAppendsAndLagKeepHwInvariants) {
  int commits = 0, shrinks = 0, expands = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    auto chance = [&](int pct) { return static_cast<int>(rng() % 100) < pct; };
    int32_t min_isr = 1 + static_cast<int32_t>(rng() % 2);
    PartitionLeaderState s(leader_params({1, 2, 3}, {1, 2, 3}, 0, 0, min_isr));
    int64_t follower_leo[4] = {0, 0, 0, 0};
    bool stalled[4] = {false, false, false, false};
    std::optional<AlterPartitionProposal> in_flight;
    int64_t now = kT0;
    int64_t last_hw = s.high_watermark();
    for (int step = 0; step < 400; ++step) {
      now += static_cast<int64_t>(rng() % 2000);
      int action = static_cast<int>(rng() % 100);
      if (action < 30) {
        s.on_local_append(s.log_end_offset() + 1 + static_cast<int64_t>(rng() % 5), now);
      } else if (action < 75) {
        int32_t f = 2 + static_cast<int32_t>(rng() % 2);
        if (chance(3)) stalled[f] = !stalled[f];
        if (!stalled[f]) {
          // The follower fetches from its LEO, then appends part of what it got.
          int64_t leader_leo = s.log_end_offset();
          auto r = s.on_follower_fetch(f, follower_leo[f], leader_leo, now);
          ASSERT_TRUE(r.ok());
          if (r->alter_partition) {
            ASSERT_FALSE(in_flight.has_value());
            in_flight = r->alter_partition;
            ++expands;
          }
          follower_leo[f] += static_cast<int64_t>(rng() % static_cast<uint64_t>(leader_leo - follower_leo[f] + 1));
        }
      } else if (action < 85) {
        if (auto p = s.maybe_shrink_isr(now)) {
          ASSERT_FALSE(in_flight.has_value());
          in_flight = p;
          ++shrinks;
        }
      } else if (in_flight) {
        // The controller answers: mostly success, sometimes a rejection or a lost answer.
        int r = static_cast<int>(rng() % 10);
        AlterPartitionResponse resp;
        if (r < 7) {
          resp = AlterPartitionResponse{0, s.leader_epoch(), s.partition_epoch() + 1, in_flight->new_isr};
          ++commits;
        } else if (r < 9) {
          resp.error_code = 55;  // OPERATION_NOT_ATTEMPTED
        } else {
          resp.error_code = 7;  // REQUEST_TIMED_OUT: retried
        }
        AlterResponseOutcome o = s.on_alter_partition_response(in_flight->id, resp, now);
        if (o.action != AlterResponseAction::kRetry) in_flight.reset();
      }
      check(s, last_hw, seed, step);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  // The run must actually exercise the ISR machinery.
  EXPECT_GT(commits, 100);
  EXPECT_GT(shrinks, 50);
  EXPECT_GT(expands, 50);
}

}  // namespace
}  // namespace gregor::replication
