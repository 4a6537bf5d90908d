// SimCluster: a deterministic simulation of a KRaft quorum (test-only). One seeded PRNG
// drives a simulated clock, a network that loses, delays, reorders and duplicates messages
// and is cut by partitions (isolating the leader, random halves) that heal, crashes that keep
// only the flushed log prefix (plus a random part of the unflushed tail), the quorum-state
// and snapshots, restarts, and clients proposing to whoever claims to lead. SimChecker checks
// the safety invariants after every event. After the fault phase everything heals and the
// run checks liveness: a leader within 10x the election timeout, a new proposal committed,
// all nodes converged. The same seed always gives the same run and trace hash.
// Thread-safety: none; one run per object.
#pragma once

#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "raft/sim_checker.h"

namespace gregor::raft::sim {

struct SimOptions {
  int voters = 3;
  int observers = 1;
  int64_t fault_ms = 60000;  // simulated time with faults, then heal and check liveness
  bool faults = true;
  double crash_rate = 1.0;   // multiplies the per-seed crash frequency
  InjectedBugs bugs;
  bool verbose = false;      // print state changes, faults and messages (replaying one seed)
};

struct SimResult {
  bool ok = true;
  std::string failure;  // first violation
  uint64_t trace_hash = 0;
  int64_t end_ms = 0;
  int64_t committed_end = 0;
  int64_t leaders = 0;
  int64_t crashes = 0;
  int64_t messages = 0;
  int64_t snapshots_installed = 0;
};

class SimCluster {
 public:
  SimCluster(uint64_t seed, SimOptions options);
  ~SimCluster();
  SimResult run();

 private:
  struct Node;
  struct Message {
    int64_t at;
    uint64_t seq;
    int32_t from, to;
    int from_incarnation;
    int to_incarnation;       // -1: any (requests); responses go to one incarnation only
    bool is_request;
    bool send_failed = false;  // connection refused: tell the sender
    uint64_t corr = 0;        // sender's correlation id (requests), or the one answered
    std::shared_ptr<const Request> request;
    std::shared_ptr<const Response> response;
    bool operator>(const Message& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  struct Pending {
    int32_t from;
    int from_incarnation;
    uint64_t corr;
    bool real_vote;  // a Vote request that is not a pre-vote
  };

  uint64_t rand();
  int64_t rand_range(int64_t lo, int64_t hi);  // inclusive
  bool chance(double p);
  void trace(uint64_t a, uint64_t b = 0, uint64_t c = 0);

  Node& node(int32_t id);
  void start_node(Node& n);
  void crash_node(Node& n, int64_t min_down_ms = 200, int64_t max_down_ms = 5000);
  void after_event(Node& n);
  void route(Node& n);
  bool link_up(int32_t a, int32_t b) const;
  void deliver(const Message& m);
  void inject_faults();
  void heal();
  void propose(const char* tag);
  int32_t current_leader() const;
  bool step();  // one clock step; false once a violation is found
  void check_convergence(int64_t proposal_end, std::string* why);

  uint64_t seed_;
  uint64_t rng_;
  SimOptions opt_;
  Config base_cfg_;
  SimChecker checker_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::priority_queue<Message, std::vector<Message>, std::greater<Message>> queue_;
  std::map<uint64_t, Pending> pending_;
  uint64_t next_seq_ = 0;
  uint64_t next_request_id_ = 1;
  int64_t now_ = 0;
  uint64_t trace_hash_ = 0;
  int64_t proposals_ = 0;
  SimResult result_;

  // Fault parameters (chosen per seed).
  double loss_ = 0;
  double dup_ = 0;
  int64_t max_delay_ = 0;
  double crash_p_ = 0;
  double partition_p_ = 0;
  double propose_p_ = 0;
  std::vector<int> side_;  // partition side of each node (index in nodes_)
  int64_t partition_until_ = -1;
};

}  // namespace gregor::raft::sim
