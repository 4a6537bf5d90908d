// RaftNode: one member of a KRaft quorum (voter or observer), as a sans-I/O state machine in
// the manner of Kafka's KafkaRaftClient: pull-based replication (followers Fetch from the
// leader), KIP-996 pre-vote, check-quorum, BeginQuorumEpoch/EndQuorumEpoch, snapshots and
// FetchSnapshot. It never blocks, reads no clock (every call takes now_ms) and does I/O only
// through its synchronous seams (RaftLog, QuorumStateStore, SnapshotStore, StateMachine).
//
// Promises (checked by raft_sim_test under faults):
//  - at most one leader per epoch; epochs never decrease, also across restarts (the epoch and
//    vote are saved, durably, before any message reflecting them is handed out by drain());
//  - the high watermark never decreases within one incarnation and never passes the log end;
//    a leader counts its own flushed offset and commits by counting only past its epoch start;
//  - StateMachine::apply sees exactly the committed batches, in order, once per incarnation.
// A node that meets an impossible input (e.g. a leader asking it to truncate committed data)
// or a storage error stops: fatal_error() is then set and every later call is ignored, as
// Kafka's raft client treats such errors as fatal.
//
// Thread-safety: none. All calls for one node come from one thread (its event loop).
// REQUIRES: the seams outlive the node; start() is called once before anything else.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "base/result.h"
#include "raft/config.h"
#include "raft/leader_state.h"
#include "raft/messages.h"
#include "raft/quorum_state_store.h"
#include "raft/raft_log.h"
#include "raft/request_tracker.h"
#include "raft/snapshot_store.h"
#include "raft/state_machine.h"

namespace gregor::raft {

class RaftNode {
 public:
  RaftNode(Config config, RaftLog& log, QuorumStateStore& quorum_store,
           SnapshotStore& snapshots, StateMachine& state_machine, uint64_t seed);

  // Loads the quorum state and the latest snapshot, restores the state machine from it, and
  // takes Kafka's starting state (a former leader starts Resigned; a single voter elects
  // itself at once). REQUIRES: config.voters non-empty, node ids >= 0.
  Status start(int64_t now_ms);
  // Timers: election and fetch timeouts, check-quorum, retries, long-poll expiry, flushing.
  void tick(int64_t now_ms);
  void on_request(uint64_t request_id, int32_t from, const Request& request, int64_t now_ms);
  void on_response(int32_t from, uint64_t correlation_id, const Response& response,
                   int64_t now_ms);
  // The request with correlation_id to `to` could not be sent or its connection failed.
  void on_send_failed(int32_t to, uint64_t correlation_id, int64_t now_ms);
  // Everything to send since the last drain, in order.
  std::vector<Output> drain();

  // Leader only: appends one batch of `records` in the current epoch; returns its last
  // offset, committed once high_watermark() > it. NOT_LEADER_OR_FOLLOWER otherwise.
  Result<int64_t> propose(std::vector<Bytes> records, int64_t now_ms);
  // Graceful shutdown of a leader: resign and tell the voters (EndQuorumEpoch).
  void resign(int64_t now_ms);
  // DescribeQuorum (leader only; NOT_LEADER_OR_FOLLOWER otherwise).
  Result<QuorumDescription> describe(int64_t now_ms) const;

  Role role() const;
  int32_t epoch() const { return epoch_; }
  int32_t leader_id() const { return leader_id_; }
  int32_t voted_id() const { return voted_id_; }
  int32_t node_id() const { return cfg_.node_id; }
  bool is_voter() const { return is_voter_; }
  // Exclusive: every offset below it is committed. Starts at the snapshot's end offset.
  int64_t high_watermark() const { return hw_; }
  int64_t applied_offset() const { return applied_; }  // next offset to apply
  const std::vector<int32_t>& voters() const { return cfg_.voters; }
  const std::optional<Error>& fatal_error() const { return fatal_; }

 private:
  // --- transitions (raft_node.cc)
  bool persist(int32_t epoch, int32_t leader, int32_t voted);
  void reset_epoch_state();
  void become_unattached(int32_t epoch, int64_t now);
  void become_follower(int32_t epoch, int32_t leader, int64_t now);
  void become_prospective(int64_t now);
  void become_candidate(int64_t now);
  void become_leader(int64_t now);
  void become_resigned(int64_t now);
  // Reacts to the (epoch, leader) of an answer or request. Returns true if it is stale or
  // the node changed state because of it (the caller then stops).
  bool handle_epoch_and_leader(int32_t epoch, int32_t leader, int64_t now);
  void fail(Error e);
  uint64_t next_rand();
  int64_t random_election_timeout();
  int64_t random_backoff();
  int32_t majority() const { return int32_t(cfg_.voters.size()) / 2 + 1; }
  OffsetAndEpoch log_end() const { return {log_.end_offset(), log_.last_epoch()}; }
  void send(int32_t to, Request request, int64_t now);
  void respond(uint64_t request_id, Response response);
  void poll(int64_t now);  // sends what the current state wants to send

  // --- elections (raft_node_vote.cc)
  void handle_vote(uint64_t id, int32_t from, const VoteRequest& r, int64_t now);
  void handle_vote_response(int32_t from, const VoteResponse& r, int64_t now);
  void handle_begin_epoch(uint64_t id, int32_t from, const BeginQuorumEpochRequest& r,
                          int64_t now);
  void handle_end_epoch(uint64_t id, int32_t from, const EndQuorumEpochRequest& r,
                        int64_t now);
  bool can_grant(int32_t candidate, bool up_to_date, bool pre_vote, int64_t now) const;
  void poll_election(int64_t now);

  // --- replication (raft_node_fetch.cc)
  void handle_fetch(uint64_t id, int32_t from, const FetchRequest& r, int64_t now);
  FetchResponse build_fetch_response(const FetchRequest& r, bool* park, int64_t now);
  void handle_fetch_response(int32_t from, const FetchResponse& r, int64_t now);
  void complete_parked_fetches(int64_t now, bool all);
  void poll_follower(int64_t now);
  void poll_leader(int64_t now);
  void leader_flush(int64_t now);
  void update_follower_hw(int64_t leader_hw);
  void set_hw(int64_t hw);
  int32_t fetch_target(int64_t now);

  // --- snapshots and applying (raft_node_snapshot.cc)
  void handle_fetch_snapshot(uint64_t id, int32_t from, const FetchSnapshotRequest& r,
                             int64_t now);
  void handle_fetch_snapshot_response(int32_t from, const FetchSnapshotResponse& r,
                                      int64_t now);
  void apply_committed();
  void maybe_take_snapshot();

  struct ParkedFetch {
    uint64_t request_id;
    FetchRequest request;
    int64_t deadline_ms;
  };
  struct SnapshotDownload {
    SnapshotId id;
    Bytes data;
    int64_t size = -1;
  };

  Config cfg_;
  RaftLog& log_;
  QuorumStateStore& quorum_store_;
  SnapshotStore& snapshots_;
  StateMachine& sm_;
  uint64_t rng_;
  bool is_voter_ = false;
  bool started_ = false;
  std::optional<Error> fatal_;

  // Durable election state (mirrors the quorum-state file).
  int32_t epoch_ = 0;
  int32_t leader_id_ = kNoNode;
  int32_t voted_id_ = kNoNode;

  Role role_ = Role::Unattached;
  int64_t hw_ = 0;
  int64_t applied_ = 0;
  int32_t applied_epoch_ = 0;  // epoch of the last applied batch (or snapshot)
  int64_t applied_since_snapshot_records_ = 0;
  int64_t applied_since_snapshot_bytes_ = 0;

  // Timers (absolute ms).
  int64_t election_deadline_ = INT64_MAX;  // Unattached voter, Prospective, Candidate, Resigned
  int64_t fetch_deadline_ = INT64_MAX;     // Follower / observer
  int64_t backoff_deadline_ = -1;          // Candidate that lost: when to try again
  bool leader_resigned_ = false;           // follower got EndQuorumEpoch from its leader
  bool fetched_from_leader_ = false;       // follower: a fetch succeeded in this state

  // Elections: voter id -> granted.
  std::map<int32_t, bool> votes_;
  // Follower.
  std::optional<SnapshotDownload> download_;
  size_t observer_probe_ = 0;
  // Leader / resigned.
  std::optional<LeaderState> leader_;
  std::vector<ParkedFetch> parked_;
  // The high watermark last answered to each fetcher: an empty fetch is held as a long poll only
  // once the fetcher has been told the current one (otherwise a follower that fetched just after
  // another one moved the high watermark would learn it only at the end of its long poll; Kafka
  // gets the same from the fetcher's HighWatermark field, KIP-1166).
  std::map<int32_t, int64_t> hw_sent_;
  std::set<int32_t> begin_acked_;
  std::map<int32_t, int64_t> begin_sent_ms_;
  std::vector<int32_t> successors_;
  std::set<int32_t> end_acked_;

  RequestTracker tracker_;
  std::vector<Output> out_;
};

}  // namespace gregor::raft
