// TestReplica (tests only): an in-memory replica log of {epoch, id} records with its
// leader-epoch cache, kept the way storage::Log and LeaderEpochCache keep them, and
// sync_from(): one follower's fetch loop against a leader using check_fetch_divergence and
// truncation_for_diverging_epoch, as the broker will run it.
// Thread-safety: test code, single thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <vector>

#include "base/assert.h"
#include "replication/divergence.h"
#include "replication/follower_truncation.h"

namespace gregor::replication {
inline void PrintTo(const EpochEntry& e, std::ostream* os) { *os << e.epoch << "@" << e.start_offset; }
}  // namespace gregor::replication

namespace gregor::replication::testing {

struct Rec {
  int32_t epoch;
  int64_t id;
  bool operator==(const Rec&) const = default;
};
inline void PrintTo(const Rec& r, std::ostream* os) { *os << "e" << r.epoch << ":m" << r.id; }

// The epoch entries a log's records imply (a leader's cache may also hold an epoch it has not
// written yet, started at its LEO; followers learn epochs only from records).
inline std::vector<EpochEntry> epochs_of(const std::vector<Rec>& log) {
  std::vector<EpochEntry> out;
  for (size_t o = 0; o < log.size(); ++o) {
    if (out.empty() || out.back().epoch < log[o].epoch) out.push_back({log[o].epoch, static_cast<int64_t>(o)});
  }
  return out;
}

struct TestReplica {
  std::vector<Rec> log;
  std::vector<EpochEntry> epochs;
  int32_t current_leader_epoch = -1;  // the epoch this replica knows as current
  bool leader = false;

  int64_t leo() const { return static_cast<int64_t>(log.size()); }
  int32_t latest() const { return epochs.empty() ? kUndefinedEpoch : epochs.back().epoch; }

  // LeaderEpochFileCache.assign: drop entries that conflict (epoch >= or start >=), then add.
  void assign(int32_t epoch, int64_t start) {
    if (!epochs.empty() && epochs.back().epoch >= epoch) return;  // not an update
    std::erase_if(epochs, [&](const EpochEntry& e) { return e.epoch >= epoch || e.start_offset >= start; });
    epochs.push_back({epoch, start});
  }
  void become_leader(int32_t epoch) {
    GREGOR_ASSERT(epoch > current_leader_epoch);
    current_leader_epoch = epoch;
    leader = true;
    assign(epoch, leo());  // Partition.makeLeader caches the new epoch at the LEO
  }
  void become_follower(int32_t epoch) {
    current_leader_epoch = epoch;
    leader = false;
  }
  void append(int64_t id) {
    GREGOR_ASSERT(leader);
    assign(current_leader_epoch, leo());
    log.push_back({current_leader_epoch, id});
  }
  void append_replicated(const Rec& r) {
    assign(r.epoch, leo());
    log.push_back(r);
  }
  void truncate_to(int64_t offset) {
    if (offset < leo()) log.resize(static_cast<size_t>(offset));
    std::erase_if(epochs, [&](const EpochEntry& e) { return e.start_offset >= offset; });
  }
  LeaderLogView view() const { return LeaderLogView{{leader, current_leader_epoch}, epochs, 0, leo()}; }
};

inline int64_t common_prefix(const TestReplica& a, const TestReplica& b) {
  int64_t n = 0;
  while (n < a.leo() && n < b.leo() && a.log[n] == b.log[n]) ++n;
  return n;
}

struct SyncStats {
  int truncations = 0;
  int fetches = 0;
  int64_t lowest_truncation_minus_common_prefix = INT64_MAX;  // >= 0: never cut shared records
};

// Runs fetch rounds of follower f against leader l until f has everything or max_rounds
// fetches were made; each fetch copies at most batch records. Returns false on a fetch error.
inline bool sync_from(TestReplica& f, const TestReplica& l, SyncStats& stats, int max_rounds = 1000,
                      int64_t batch = 1 << 30) {
  for (int round = 0; round < max_rounds; ++round) {
    ++stats.fetches;
    int64_t fetch_offset = f.leo();
    auto r = check_fetch_divergence(l.view(), l.current_leader_epoch, fetch_offset, f.latest());
    if (!r.ok()) return false;
    if (r->has_value()) {
      int64_t lcp = common_prefix(f, l);
      TruncationDecision d = truncation_for_diverging_epoch(**r, f.epochs, f.leo(), fetch_offset);
      stats.lowest_truncation_minus_common_prefix =
          std::min(stats.lowest_truncation_minus_common_prefix, d.truncate_to - lcp);
      f.truncate_to(d.truncate_to);
      ++stats.truncations;
      continue;
    }
    if (fetch_offset > l.leo()) return false;  // would be OFFSET_OUT_OF_RANGE from Log::read
    if (fetch_offset == l.leo()) return true;
    int64_t end = std::min(l.leo(), fetch_offset + batch);
    for (int64_t o = fetch_offset; o < end; ++o) f.append_replicated(l.log[o]);
  }
  return true;
}

}  // namespace gregor::replication::testing
