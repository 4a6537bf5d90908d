#include "raft/sim_cluster.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/splitmix.h"
#include "raft/record_codec.h"
#include "raft/sim_describe.h"

namespace gregor::raft::sim {

namespace {
constexpr int64_t kStepMs = 10;
constexpr int32_t kFirstObserver = 101;
}  // namespace

struct SimCluster::Node {
  int32_t id = 0;
  size_t index = 0;
  Config cfg;
  MemoryRaftLog log;
  MemoryQuorumStateStore quorum;
  MemorySnapshotStore snapshots;
  std::unique_ptr<SimStateMachine> sm;
  std::unique_ptr<RaftNode> raft;
  bool up = false;
  int incarnation = 0;
  int64_t restart_at = -1;
  int64_t crash_at = -1;  // a crash planned for an interesting moment (just after a vote)
  std::string last_state;
};

SimCluster::SimCluster(uint64_t seed, SimOptions options)
    : seed_(seed), rng_(splitmix64(seed ^ 0x5eed5eed5eedULL)), opt_(options) {
  base_cfg_.cluster_id = "sim-cluster";
  for (int i = 1; i <= opt_.voters; ++i) base_cfg_.voters.push_back(i);
  base_cfg_.election_timeout_ms = 1000;
  base_cfg_.fetch_timeout_ms = 2000;
  base_cfg_.election_backoff_max_ms = 1000;
  base_cfg_.request_timeout_ms = 1000;
  base_cfg_.fetch_max_wait_ms = 500;
  const int64_t snap_every[] = {0, 10, 50, 200};
  base_cfg_.snapshot_every_records = snap_every[rand() % 4];
  const size_t fetch_bytes[] = {256, 4096, 1 << 20};
  base_cfg_.max_fetch_bytes = fetch_bytes[rand() % 3];
  const size_t chunk[] = {8, 64, 4096};
  base_cfg_.snapshot_chunk_bytes = chunk[rand() % 3];
  base_cfg_.bugs = opt_.bugs;
  if (opt_.faults) {
    loss_ = double(rand_range(0, 200)) / 1000.0;
    dup_ = double(rand_range(0, 50)) / 1000.0;
    max_delay_ = rand_range(0, 500);
    crash_p_ = opt_.crash_rate * double(kStepMs) / double(rand_range(3000, 20000));
    partition_p_ = double(kStepMs) / double(rand_range(5000, 30000));
  } else {
    max_delay_ = rand_range(0, 20);
  }
  propose_p_ = double(rand_range(5, 50)) / 1000.0;  // 0.5 to 5 proposals a second
  int total = opt_.voters + opt_.observers;
  for (int i = 0; i < total; ++i) {
    auto n = std::make_unique<Node>();
    n->id = i < opt_.voters ? i + 1 : kFirstObserver + (i - opt_.voters);
    n->index = size_t(i);
    n->cfg = base_cfg_;
    n->cfg.node_id = n->id;
    nodes_.push_back(std::move(n));
  }
  side_.assign(size_t(total), 0);
}

SimCluster::~SimCluster() = default;

uint64_t SimCluster::rand() {
  uint64_t r = splitmix64(rng_);
  rng_ += 0x9e3779b97f4a7c15ULL;
  return r;
}
int64_t SimCluster::rand_range(int64_t lo, int64_t hi) {
  return lo + int64_t(rand() % uint64_t(hi - lo + 1));
}
bool SimCluster::chance(double p) { return double(rand() >> 11) * 0x1.0p-53 < p; }

void SimCluster::trace(uint64_t a, uint64_t b, uint64_t c) {
  trace_hash_ = splitmix64(trace_hash_ ^ splitmix64(a + 0x100000001b3ULL * b + (c << 17)));
}

SimCluster::Node& SimCluster::node(int32_t id) {
  if (id >= kFirstObserver) return *nodes_[size_t(opt_.voters + (id - kFirstObserver))];
  return *nodes_[size_t(id - 1)];
}

void SimCluster::start_node(Node& n) {
  ++n.incarnation;
  n.sm = std::make_unique<SimStateMachine>(n.id, checker_);
  uint64_t node_seed = splitmix64(seed_ ^ (uint64_t(n.id) << 32) ^ uint64_t(n.incarnation));
  n.raft = std::make_unique<RaftNode>(n.cfg, n.log, n.quorum, n.snapshots, *n.sm, node_seed);
  n.up = true;
  n.restart_at = -1;
  if (auto s = n.raft->start(now_); !s.ok()) {
    checker_.violation(fmt::format("node {} failed to start: {}", n.id, s.error().message));
  }
  trace(1, uint64_t(n.id), uint64_t(now_));
  after_event(n);
}

void SimCluster::crash_node(Node& n, int64_t min_down_ms, int64_t max_down_ms) {
  size_t unflushed = n.log.unflushed_batches();
  n.log.crash(size_t(rand() % (unflushed + 1)));
  n.raft.reset();
  n.sm.reset();
  n.up = false;
  n.crash_at = -1;
  n.restart_at = now_ + rand_range(min_down_ms, max_down_ms);
  ++result_.crashes;
  if (opt_.verbose) std::printf("%7lld  node %d: CRASH (restart at %lld)\n", (long long)now_, n.id, (long long)n.restart_at);
  trace(2, uint64_t(n.id), uint64_t(now_));
}

void SimCluster::after_event(Node& n) {
  if (opt_.verbose) {
    const RaftNode& r = *n.raft;
    std::string st = fmt::format("{} e{} L{} v{} hw{} leo{} start{}", role_name(r.role()), r.epoch(),
                                 r.leader_id(), r.voted_id(), r.high_watermark(),
                                 n.log.end_offset(), n.log.start_offset());
    if (st != n.last_state) {
      std::printf("%7lld  node %d: %s\n", (long long)now_, n.id, st.c_str());
      n.last_state = st;
    }
  }
  route(n);
  checker_.check_node(n.id, n.incarnation, *n.raft, n.log, now_);
  trace(3, uint64_t(n.raft->epoch()) << 8 | uint64_t(n.raft->role()),
        uint64_t(n.raft->high_watermark()));
}

bool SimCluster::link_up(int32_t a, int32_t b) const {
  auto idx = [&](int32_t id) {
    return id >= kFirstObserver ? size_t(opt_.voters + (id - kFirstObserver)) : size_t(id - 1);
  };
  return side_[idx(a)] == side_[idx(b)];
}

void SimCluster::route(Node& n) {
  for (Output& out : n.raft->drain()) {
    Message m{};
    m.from = n.id;
    m.from_incarnation = n.incarnation;
    m.to_incarnation = -1;
    if (auto* r = std::get_if<OutRequest>(&out)) {
      m.to = r->to;
      m.is_request = true;
      m.corr = r->correlation_id;
      m.request = std::make_shared<const Request>(std::move(r->request));
      if (!node(m.to).up) {  // connection refused, reported to the sender
        Message f = m;
        f.to = n.id;
        f.from = m.to;
        f.to_incarnation = n.incarnation;
        f.is_request = false;
        f.send_failed = true;
        f.request.reset();
        f.at = now_ + kStepMs;
        f.seq = next_seq_++;
        queue_.push(f);
        continue;
      }
    } else {
      auto& resp = std::get<OutResponse>(out);
      auto it = pending_.find(resp.request_id);
      if (it == pending_.end()) continue;
      m.to = it->second.from;
      m.to_incarnation = it->second.from_incarnation;
      m.corr = it->second.corr;
      m.is_request = false;
      m.response = std::make_shared<const Response>(std::move(resp.response));
      // Crash a voter soon after it granted a vote, now and then: a vote that was not durable
      // is then forgotten (the bug vote_without_persist must be caught this way).
      const auto* vote = std::get_if<VoteResponse>(m.response.get());
      if (vote && vote->vote_granted && it->second.real_vote && opt_.faults &&
          now_ < opt_.fault_ms && n.crash_at < 0 && chance(0.2 * opt_.crash_rate)) {
        n.crash_at = now_ + rand_range(0, 50);
      }
      pending_.erase(it);
    }
    ++result_.messages;
    int copies = chance(dup_) ? 2 : 1;
    for (int c = 0; c < copies; ++c) {
      if (chance(loss_) || !link_up(m.from, m.to)) continue;
      m.at = now_ + rand_range(0, max_delay_);
      m.seq = next_seq_++;
      queue_.push(m);
    }
  }
}

void SimCluster::deliver(const Message& m) {
  Node& t = node(m.to);
  if (!t.up || (m.to_incarnation >= 0 && m.to_incarnation != t.incarnation)) return;
  if (!m.send_failed && !link_up(m.from, m.to)) return;
  if (m.send_failed) {
    t.raft->on_send_failed(m.from, m.corr, now_);
    trace(4, uint64_t(m.to), uint64_t(m.from));
  } else if (m.is_request) {
    uint64_t rid = next_request_id_++;
    const auto* vote = std::get_if<VoteRequest>(m.request.get());
    pending_[rid] = Pending{m.from, m.from_incarnation, m.corr, vote && !vote->pre_vote};
    if (opt_.verbose && std::getenv("GREGOR_RAFT_MSGS"))
      std::printf("%7lld    %d -> %d %s\n", (long long)now_, m.from, m.to, describe(*m.request).c_str());
    t.raft->on_request(rid, m.from, *m.request, now_);
    trace(5, uint64_t(m.from) << 16 | uint64_t(m.to), m.request->index());
  } else {
    if (opt_.verbose && std::getenv("GREGOR_RAFT_MSGS"))
      std::printf("%7lld    %d -> %d %s\n", (long long)now_, m.from, m.to, describe(*m.response).c_str());
    t.raft->on_response(m.from, m.corr, *m.response, now_);
    trace(6, uint64_t(m.from) << 16 | uint64_t(m.to), m.response->index());
  }
  after_event(t);
}

int32_t SimCluster::current_leader() const {
  int32_t best = kNoNode, best_epoch = -1;
  for (const auto& n : nodes_) {
    if (n->up && n->raft->role() == Role::Leader && n->raft->epoch() > best_epoch) {
      best = n->id;
      best_epoch = n->raft->epoch();
    }
  }
  return best;
}

void SimCluster::propose(const char* tag) {
  std::vector<Node*> leaders;
  for (auto& n : nodes_) {
    if (n->up && n->raft->role() == Role::Leader) leaders.push_back(n.get());
  }
  if (leaders.empty()) return;
  Node& l = *leaders[rand() % leaders.size()];
  std::vector<Bytes> records;
  int64_t count = rand_range(1, 3);
  for (int64_t i = 0; i < count; ++i) {
    std::string s = fmt::format("{}:{}:{}:{}", tag, seed_, proposals_, i);
    s.append(size_t(rand_range(0, 40)), char('a' + i));
    records.emplace_back(s.begin(), s.end());
  }
  ++proposals_;
  auto r = l.raft->propose(std::move(records), now_);
  trace(7, uint64_t(l.id), r.ok() ? uint64_t(*r) : 0);
  after_event(l);
}

void SimCluster::inject_faults() {
  if (chance(crash_p_)) {
    std::vector<Node*> up;
    for (auto& n : nodes_) if (n->up) up.push_back(n.get());
    if (!up.empty()) crash_node(*up[rand() % up.size()]);
  }
  if (partition_until_ >= 0 && now_ >= partition_until_) {
    std::fill(side_.begin(), side_.end(), 0);
    partition_until_ = -1;
    trace(8, 0);
    if (opt_.verbose) std::printf("%7lld  PARTITION healed\n", (long long)now_);
  } else if (partition_until_ < 0 && chance(partition_p_)) {
    int32_t leader = current_leader();
    if (leader >= 0 && chance(0.5)) {
      std::fill(side_.begin(), side_.end(), 0);
      side_[node(leader).index] = 1;  // isolate the leader
    } else {
      for (int& s : side_) s = int(rand() % 2);  // random halves
    }
    partition_until_ = now_ + rand_range(1000, 10000);
    if (opt_.verbose) {
      std::string sides;
      for (int x : side_) sides += char('0' + x);
      std::printf("%7lld  PARTITION %s until %lld\n", (long long)now_, sides.c_str(), (long long)partition_until_);
    }
    trace(8, 1, uint64_t(partition_until_));
  }
}

void SimCluster::heal() {
  std::fill(side_.begin(), side_.end(), 0);
  partition_until_ = -1;
  loss_ = 0;
  dup_ = 0;
  max_delay_ = std::min<int64_t>(max_delay_, 50);
  for (auto& n : nodes_) {
    n->crash_at = -1;
    if (!n->up) start_node(*n);
  }
}

bool SimCluster::step() {
  now_ += kStepMs;
  if (opt_.faults && now_ < opt_.fault_ms) inject_faults();
  for (auto& n : nodes_) {
    if (n->up && n->crash_at >= 0 && now_ >= n->crash_at && now_ < opt_.fault_ms) {
      crash_node(*n, 20, 1000);
    }
    if (!n->up && n->restart_at >= 0 && now_ >= n->restart_at) start_node(*n);
  }
  while (!queue_.empty() && queue_.top().at <= now_ && !checker_.failed()) {
    Message m = queue_.top();
    queue_.pop();
    deliver(m);
  }
  for (auto& n : nodes_) {
    if (!n->up || checker_.failed()) continue;
    n->raft->tick(now_);
    after_event(*n);
  }
  if (now_ < opt_.fault_ms && chance(propose_p_)) propose("c");
  return !checker_.failed();
}

void SimCluster::check_convergence(int64_t proposal_end, std::string* why) {
  why->clear();
  int32_t leader = current_leader();
  if (leader < 0) { *why = "no leader"; return; }
  const Node& l = node(leader);
  for (const auto& n : nodes_) {
    if (!n->up) { *why = fmt::format("node {} is down", n->id); return; }
    const RaftNode& r = *n->raft;
    if (r.high_watermark() < proposal_end || n->sm->next_offset() < proposal_end) {
      *why = fmt::format("node {} has HW {} applied {} < {}", n->id, r.high_watermark(),
                         n->sm->next_offset(), proposal_end);
      return;
    }
    if (n->log.end_offset() != l.log.end_offset() || r.high_watermark() != l.raft->high_watermark() ||
        n->sm->hash() != l.sm->hash()) {
      *why = fmt::format("node {} (LEO {} HW {}) differs from leader {} (LEO {} HW {})", n->id,
                         n->log.end_offset(), r.high_watermark(), leader, l.log.end_offset(),
                         l.raft->high_watermark());
      return;
    }
  }
}

SimResult SimCluster::run() {
  for (auto& n : nodes_) start_node(*n);
  while (now_ < opt_.fault_ms && step()) {}
  if (!checker_.failed()) {
    heal();
    const int64_t heal_at = now_;
    const int64_t leader_deadline = heal_at + 10 * base_cfg_.election_timeout_ms;
    while (current_leader() < 0 && now_ < leader_deadline && step()) {}
    if (!checker_.failed() && current_leader() < 0) {
      checker_.violation(fmt::format("liveness: no leader {} ms after healing",
                                     now_ - heal_at));
    }
    int64_t proposal_end = -1;
    int32_t proposal_epoch = -1;
    std::string why = "no proposal committed";
    const int64_t deadline = now_ + 20 * base_cfg_.election_timeout_ms;
    while (!checker_.failed() && now_ < deadline) {
      int32_t leader = current_leader();
      if (leader >= 0 && node(leader).raft->epoch() != proposal_epoch &&
          (proposal_end < 0 || node(leader).raft->high_watermark() < proposal_end)) {
        std::string s = fmt::format("liveness-marker:{}", seed_);
        auto r = node(leader).raft->propose({Bytes(s.begin(), s.end())}, now_);
        if (r.ok()) {
          proposal_end = *r + 1;
          proposal_epoch = node(leader).raft->epoch();
        }
        after_event(node(leader));
      }
      if (!step()) break;
      if (proposal_end >= 0) {
        check_convergence(proposal_end, &why);
        if (why.empty()) break;
      }
    }
    if (!checker_.failed() && !why.empty()) {
      checker_.violation(fmt::format("liveness: not converged {} ms after healing: {}",
                                     now_ - heal_at, why));
    }
  }
  result_.ok = !checker_.failed();
  if (!result_.ok) result_.failure = checker_.failure();
  result_.trace_hash = trace_hash_;
  result_.end_ms = now_;
  result_.committed_end = checker_.committed_end();
  result_.leaders = checker_.leaders_elected();
  for (const auto& n : nodes_) result_.snapshots_installed += n->log.resets();
  return result_;
}

}  // namespace gregor::raft::sim
