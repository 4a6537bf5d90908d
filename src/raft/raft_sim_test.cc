// Deterministic simulation of the KRaft core (see sim_cluster.h): many seeds with faults, the
// trace-hash determinism check, and "testing the tests": each injected bug must be caught.
// GREGOR_SIM_SEEDS=<n> scales the seed counts; GREGOR_RAFT_SEED=<n> runs exactly one seed.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "raft/sim_cluster.h"

namespace gregor::raft::sim {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int kSlowdown = 6;  // sanitizer builds run fewer seeds by default
#else
constexpr int kSlowdown = 1;
#endif

int seeds(int ci_default) {
  if (const char* s = std::getenv("GREGOR_SIM_SEEDS")) return std::max(1, std::atoi(s));
  return std::max(1, ci_default / kSlowdown);
}

std::optional<uint64_t> only_seed() {
  if (const char* s = std::getenv("GREGOR_RAFT_SEED")) return std::strtoull(s, nullptr, 10);
  return std::nullopt;
}

struct Quiet {
  Quiet() { spdlog::set_level(spdlog::level::off); }
  ~Quiet() { spdlog::set_level(spdlog::level::info); }
};

void run_seeds(const char* test, SimOptions opt, uint64_t first, int count) {
  Quiet quiet;
  std::vector<uint64_t> list;
  if (auto s = only_seed()) list.push_back(*s);
  else for (int i = 0; i < count; ++i) list.push_back(first + uint64_t(i));
  auto t0 = std::chrono::steady_clock::now();
  int64_t commits = 0, leaders = 0, crashes = 0, messages = 0, installs = 0;
  int failures = 0;
  if (only_seed() && std::getenv("GREGOR_RAFT_TRACE")) opt.verbose = true;
  for (uint64_t seed : list) {
    SimResult r = SimCluster(seed, opt).run();
    commits += r.committed_end;
    leaders += r.leaders;
    crashes += r.crashes;
    messages += r.messages;
    installs += r.snapshots_installed;
    if (!r.ok) {
      ++failures;
      ADD_FAILURE() << "seed " << seed << " failed at " << r.end_ms << " ms: " << r.failure
                    << "\n  replay: GREGOR_RAFT_SEED=" << seed
                    << " build-raft/src/raft/raft_test --gtest_filter=RaftSim." << test;
      if (failures >= 5) break;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ sim      ] %s: %zu seeds x %lld s, %.2f s wall; committed offsets %lld, "
              "leaders %lld, crashes %lld, messages %lld, snapshot installs %lld\n",
              test, list.size(), (long long)(opt.fault_ms / 1000), secs, (long long)commits,
              (long long)leaders, (long long)crashes, (long long)messages, (long long)installs);
}

TEST(RaftSim, NoFaultsCommits) {
  Quiet quiet;
  SimOptions opt;
  opt.faults = false;
  opt.fault_ms = 20000;
  SimResult r = SimCluster(7, opt).run();
  ASSERT_TRUE(r.ok) << r.failure;
  std::printf("no faults: committed %lld leaders %lld messages %lld end %lld\n",
              (long long)r.committed_end, (long long)r.leaders, (long long)r.messages,
              (long long)r.end_ms);
  EXPECT_GT(r.committed_end, 50);
  EXPECT_EQ(r.crashes, 0);
}

TEST(RaftSim, SameSeedSameTrace) {
  Quiet quiet;
  SimOptions opt;
  opt.fault_ms = 20000;
  for (uint64_t seed : {3u, 11u}) {
    SimResult a = SimCluster(seed, opt).run();
    SimResult b = SimCluster(seed, opt).run();
    EXPECT_EQ(a.trace_hash, b.trace_hash) << "seed " << seed;
    EXPECT_EQ(a.committed_end, b.committed_end);
    EXPECT_EQ(a.end_ms, b.end_ms);
  }
  EXPECT_NE(SimCluster(3, opt).run().trace_hash, SimCluster(4, opt).run().trace_hash);
}

TEST(RaftSim, ThreeVoters) {
  SimOptions opt;
  opt.voters = 3;
  opt.observers = 1;
  run_seeds("ThreeVoters", opt, 1, seeds(1000));
}

TEST(RaftSim, FiveVoters) {
  SimOptions opt;
  opt.voters = 5;
  opt.observers = 2;
  run_seeds("FiveVoters", opt, 100001, seeds(500));
}

// Testing the tests: the simulation must catch each known bug within the seed budget.
int seeds_to_catch(SimOptions opt, uint64_t first, int budget, std::string* failure) {
  Quiet quiet;
  for (int i = 0; i < budget; ++i) {
    SimResult r = SimCluster(first + uint64_t(i), opt).run();
    if (!r.ok) {
      *failure = r.failure;
      return i + 1;
    }
  }
  return -1;
}

void expect_caught(const char* name, SimOptions opt, int budget) {
  std::string failure;
  int n = seeds_to_catch(opt, 500001, budget, &failure);
  EXPECT_GT(n, 0) << name << " was not caught within " << budget << " seeds";
  if (n > 0) std::printf("[ bug      ] %s caught after %d seed(s): %s\n", name, n, failure.c_str());
}

// Not run by default: the share of seeds that catch each bug (GREGOR_SIM_SEEDS seeds each).
TEST(RaftSimBugs, DISABLED_CatchRates) {
  Quiet quiet;
  struct Case { const char* name; InjectedBugs bugs; int voters; double crash_rate; };
  std::vector<Case> cases(4);
  cases[0] = {"vote_without_persist", {}, 3, 4};
  cases[0].bugs.vote_without_persist = true;
  cases[1] = {"skip_log_up_to_date_check", {}, 3, 1};
  cases[1].bugs.skip_log_up_to_date_check = true;
  cases[2] = {"commit_by_counting_old_epochs", {}, 5, 1};
  cases[2].bugs.commit_by_counting_old_epochs = true;
  cases[3] = {"follower_hw_ignores_leo", {}, 3, 1};
  cases[3].bugs.follower_hw_ignores_leo = true;
  int n = seeds(200);
  for (const Case& c : cases) {
    SimOptions opt;
    opt.voters = c.voters;
    opt.bugs = c.bugs;
    opt.crash_rate = c.crash_rate;
    int caught = 0;
    for (int i = 0; i < n; ++i) caught += SimCluster(500001 + uint64_t(i), opt).run().ok ? 0 : 1;
    std::printf("[ rate     ] %s: caught by %d of %d seeds\n", c.name, caught, n);
  }
}

TEST(RaftSimBugs, VoteWithoutPersistIsCaught) {
  SimOptions opt;
  opt.bugs.vote_without_persist = true;
  opt.crash_rate = 4;
  expect_caught("vote_without_persist", opt, 1000);
}

TEST(RaftSimBugs, SkipLogUpToDateCheckIsCaught) {
  SimOptions opt;
  opt.bugs.skip_log_up_to_date_check = true;
  expect_caught("skip_log_up_to_date_check", opt, 100);
}

TEST(RaftSimBugs, CommitByCountingOldEpochsIsCaught) {
  SimOptions opt;
  opt.voters = 5;
  opt.bugs.commit_by_counting_old_epochs = true;
  expect_caught("commit_by_counting_old_epochs", opt, 1000);
}

TEST(RaftSimBugs, FollowerHwIgnoresLeoIsCaught) {
  SimOptions opt;
  opt.bugs.follower_hw_ignores_leo = true;
  expect_caught("follower_hw_ignores_leo", opt, 100);
}

}  // namespace
}  // namespace gregor::raft::sim
