// Directed scenarios from KIP-101 and KIP-279, and a seeded randomized run of elections,
// appends and partial replication, for Divergence + FollowerTruncation together.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "replication/test_replica.h"

namespace gregor::replication {
namespace {

using testing::Rec;
using testing::SyncStats;
using testing::TestReplica;
using testing::sync_from;

// KIP-101 scenario 1: a follower that restarted must not truncate to its (lagging) high
// watermark, or a committed record is lost when it becomes leader.
TEST(KipScenarios, Kip101Scenario1RestartedFollowerKeepsCommittedRecord) {
  TestReplica a, b;
  a.become_leader(0);
  b.become_follower(0);
  a.append(1);
  a.append(2);
  SyncStats st;
  ASSERT_TRUE(sync_from(b, a, st));  // B has m1, m2; A's HW = 2 (committed), B's HW still 1
  const int64_t a_hw = 2, b_hw = 1;

  // B restarts. With epochs it fetches from its LEO; it does not truncate to its HW.
  InitialFetchPosition pos = initial_fetch_position(b.epochs, b.leo(), b_hw);
  EXPECT_EQ(pos.truncate_to, std::nullopt);
  EXPECT_EQ(pos.fetch_offset, 2);

  // A dies before B fetches again; B is elected (it is in the ISR).
  b.become_leader(1);
  a.become_follower(1);
  ASSERT_TRUE(sync_from(a, b, st));
  EXPECT_EQ(st.truncations, 0);
  EXPECT_EQ(a.log, b.log);
  ASSERT_GE(b.leo(), a_hw);
  EXPECT_EQ(b.log[1], (Rec{0, 2}));  // m2, committed at HW 2, survived
}

// KIP-101 scenario 2: after both replicas crash, the new leader wrote a different record at an
// offset the old leader also holds; the old leader must truncate it rather than keep a divergent log.
TEST(KipScenarios, Kip101Scenario2DivergentLogsReconcile) {
  TestReplica a, b;
  a.become_leader(0);
  b.become_follower(0);
  a.append(1);  // m1
  SyncStats st;
  ASSERT_TRUE(sync_from(b, a, st));
  a.append(2);  // m2, only on A: HW stays 1 (m1 is the only committed record)
  // Both crash; B comes back first and is elected; it writes m3 at offset 1.
  b.become_leader(1);
  b.append(3);
  a.become_follower(1);
  ASSERT_EQ(a.log[1], (Rec{0, 2}));
  ASSERT_EQ(b.log[1], (Rec{1, 3}));

  auto r = check_fetch_divergence(b.view(), 1, a.leo(), a.latest());
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, (DivergingEpoch{0, 1}));
  EXPECT_EQ(truncation_for_diverging_epoch(**r, a.epochs, a.leo(), a.leo()), (TruncationDecision{1, true}));

  ASSERT_TRUE(sync_from(a, b, st));
  EXPECT_EQ(a.log, b.log);
  EXPECT_EQ(a.log, (std::vector<Rec>{{0, 1}, {1, 3}}));  // m1 (committed) kept; m2 gone everywhere
  EXPECT_EQ(a.epochs, b.epochs);
}

// KIP-279: two fast leader changes. B led epoch 2 and wrote m3 at offset 1 that nobody fetched;
// A then led epoch 3 (it never saw epoch 2). Pre-KIP-279, B asked for epoch 2, got A's end
// offset 2 for epoch 1 and truncated to min(2, LEO 2): nothing, keeping m3 at offset 1 while A
// has m2 there. Now B looks up its own end offset for the epoch A answered with and truncates to 1.
TEST(KipScenarios, Kip279DoubleFailoverConverges) {
  TestReplica a, b;
  a.become_leader(1);
  b.become_follower(1);
  a.append(1);  // m1
  SyncStats st;
  ASSERT_TRUE(sync_from(b, a, st));
  a.append(2);  // m2, only on A
  // A fails; B leads epoch 2 and writes m3.
  b.become_leader(2);
  b.append(3);
  // B fails before replicating; A comes back and leads epoch 3, writing m4.
  a.become_leader(3);
  a.append(4);
  b.become_follower(3);
  ASSERT_EQ(a.epochs, (std::vector<EpochEntry>{{1, 0}, {3, 2}}));
  ASSERT_EQ(b.epochs, (std::vector<EpochEntry>{{1, 0}, {2, 1}}));

  auto r = check_fetch_divergence(a.view(), 3, b.leo(), b.latest());
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, (DivergingEpoch{1, 2}));  // A never had epoch 2: epoch 1 ended at 2
  // The pre-KIP-279 rule would truncate to min(2, 2) = 2 and keep m3: logs would differ at 1.
  EXPECT_NE(a.log[1], b.log[1]);
  EXPECT_EQ(truncation_for_diverging_epoch(**r, b.epochs, b.leo(), b.leo()), (TruncationDecision{1, true}));

  ASSERT_TRUE(sync_from(b, a, st));
  EXPECT_EQ(a.log, b.log);
  EXPECT_EQ(b.log, (std::vector<Rec>{{1, 1}, {1, 2}, {3, 4}}));
  EXPECT_EQ(a.epochs, b.epochs);
}

// The follower never had the epoch the leader answers with: an intermediate truncation, then a
// second fetch finds the rest of the divergence.
TEST(KipScenarios, UnknownEpochTakesTwoTruncationSteps) {
  TestReplica l, f;
  l.log = {{1, 1}, {1, 2}, {1, 3}, {2, 4}, {2, 5}, {4, 6}};
  l.epochs = {{1, 0}, {2, 3}, {4, 5}};
  l.current_leader_epoch = 4;
  l.leader = true;
  f.log = {{1, 1}, {1, 2}, {1, 3}, {1, 7}, {1, 8}, {3, 9}, {3, 10}};  // epoch 1 ran longer here
  f.epochs = {{1, 0}, {3, 5}};
  f.current_leader_epoch = 4;
  SyncStats st;
  ASSERT_TRUE(sync_from(f, l, st));
  EXPECT_EQ(f.log, l.log);
  EXPECT_EQ(st.truncations, 2);  // 3 -> leader says (2, 5) -> f ends epoch 1 at 5 (incomplete);
                                 // 1 -> leader says (1, 3) -> truncate to 3
  EXPECT_GE(st.lowest_truncation_minus_common_prefix, 0);
}

// Random elections (any replica, so also unclean ones), appends and partial replication among
// three replicas; then everyone follows one final leader. Logs must end identical to that
// leader's, truncation must never cut a record the follower shares with the leader, and records
// that all three replicas held at the same offset (committed with ISR = all) must survive.
TEST(KipScenarios, RandomizedElectionsConvergeWithoutLosingSharedRecords) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
    std::vector<TestReplica> rs(3);
    int32_t epoch = 0;
    int64_t next_id = 1;
    std::vector<Rec> committed;
    SyncStats st;
    auto update_committed = [&] {
      int64_t n = std::min(testing::common_prefix(rs[0], rs[1]), testing::common_prefix(rs[0], rs[2]));
      if (n > static_cast<int64_t>(committed.size())) committed.assign(rs[0].log.begin(), rs[0].log.begin() + n);
    };
    for (int round = 0; round < 12; ++round) {
      int leader = pick(3);
      ++epoch;
      for (int i = 0; i < 3; ++i) {
        if (i == leader) rs[i].become_leader(epoch); else rs[i].become_follower(epoch);
      }
      for (int k = pick(4); k > 0; --k) rs[leader].append(next_id++);
      for (int i = 0; i < 3; ++i) {
        if (i == leader) continue;
        ASSERT_TRUE(sync_from(rs[i], rs[leader], st, pick(4), 1 + pick(3))) << "seed " << seed;
        update_committed();
      }
    }
    int final_leader = pick(3);
    ++epoch;
    for (int i = 0; i < 3; ++i) {
      if (i == final_leader) rs[i].become_leader(epoch); else rs[i].become_follower(epoch);
    }
    // Committed records are on every replica, so also on the final leader.
    for (int i = 0; i < 3; ++i) {
      if (i == final_leader) continue;
      ASSERT_TRUE(sync_from(rs[i], rs[final_leader], st)) << "seed " << seed;
      ASSERT_EQ(rs[i].log, rs[final_leader].log) << "seed " << seed;
      ASSERT_EQ(rs[i].epochs, testing::epochs_of(rs[i].log)) << "seed " << seed;
    }
    ASSERT_GE(rs[0].leo(), static_cast<int64_t>(committed.size())) << "seed " << seed;
    for (size_t o = 0; o < committed.size(); ++o) ASSERT_EQ(rs[0].log[o], committed[o]) << "seed " << seed;
    ASSERT_GE(st.lowest_truncation_minus_common_prefix, 0) << "seed " << seed;
  }
}

}  // namespace
}  // namespace gregor::replication
