// Config: the settings of one RaftNode (Kafka's controller.quorum.* names in comments) and
// the test-only bug switches used to check that the simulation catches known bugs.
// Promises nothing by itself; RaftNode validates it in start().
// Thread-safety: plain value type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gregor::raft {

// Deliberate bugs, for "testing the tests" only. All false in every production path.
struct InjectedBugs {
  bool vote_without_persist = false;        // grant a vote before (without) saving it
  bool skip_log_up_to_date_check = false;   // grant votes to candidates with stale logs
  bool commit_by_counting_old_epochs = false;  // HW from a majority below the epoch start
  bool follower_hw_ignores_leo = false;     // follower takes the leader's HW without min(LEO)
};

struct Config {
  int32_t node_id = 0;
  std::vector<int32_t> voters;        // controller.quorum.voters (ids)
  std::string cluster_id;
  int64_t election_timeout_ms = 1000;     // controller.quorum.election.timeout.ms
  int64_t fetch_timeout_ms = 2000;        // controller.quorum.fetch.timeout.ms
  int64_t election_backoff_max_ms = 1000;  // controller.quorum.election.backoff.max.ms
  int64_t request_timeout_ms = 2000;      // controller.quorum.request.timeout.ms
  int64_t retry_backoff_ms = 20;          // controller.quorum.retry.backoff.ms
  int32_t fetch_max_wait_ms = 500;        // long-poll wait a follower asks the leader for
  size_t max_fetch_bytes = 8 * 1024 * 1024;
  size_t snapshot_chunk_bytes = 1024 * 1024;
  // Take a snapshot once this many records (0: never) or bytes (0: never) were applied
  // since the last one; the log prefix it covers is then removed.
  int64_t snapshot_every_records = 0;
  int64_t snapshot_every_bytes = 0;
  InjectedBugs bugs;
};

}  // namespace gregor::raft
