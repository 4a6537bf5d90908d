// Behaviour tests of RaftNode, driven by hand (single node) or by a lossless message pump.
#include "raft/raft_node.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>

#include "raft/memory_log.h"
#include "raft/record_codec.h"

namespace gregor::raft {
namespace {

Bytes b(const std::string& s) { return Bytes(s.begin(), s.end()); }

struct RecordingSm : StateMachine {
  std::vector<LogBatch> applied;
  std::optional<SnapshotId> restored;
  int64_t next = 0;
  Status apply(const LogBatch& batch) override {
    EXPECT_EQ(batch.base_offset, next);
    next = batch.last_offset + 1;
    applied.push_back(batch);
    return Status::OK();
  }
  Bytes snapshot() override { Bytes out; append_be64(out, uint64_t(next)); return out; }
  Status restore(SnapshotId id, const Bytes& data) override {
    restored = id;
    next = data.size() == 8 ? int64_t(load_be64(data.data())) : -1;
    EXPECT_EQ(next, id.end_offset);
    return Status::OK();
  }
};

struct TestNode {
  MemoryRaftLog log;
  MemoryQuorumStateStore quorum;
  MemorySnapshotStore snapshots;
  RecordingSm sm;
  Config cfg;
  std::unique_ptr<RaftNode> node;
  TestNode(int32_t id, std::vector<int32_t> voters, std::function<void(Config&)> tweak = {}) {
    cfg.node_id = id;
    cfg.voters = std::move(voters);
    cfg.cluster_id = "c";
    if (tweak) tweak(cfg);
  }
  void start(int64_t now = 0, uint64_t seed = 1) {
    node = std::make_unique<RaftNode>(cfg, log, quorum, snapshots, sm, seed);
    ASSERT_TRUE(node->start(now).ok());
  }
  RaftNode* operator->() { return node.get(); }
};

template <class T>
std::vector<std::pair<int32_t, OutRequest>> sent(const std::vector<Output>& outs) {
  std::vector<std::pair<int32_t, OutRequest>> v;
  for (const Output& o : outs) {
    if (auto* r = std::get_if<OutRequest>(&o); r && std::holds_alternative<T>(r->request)) {
      v.push_back({r->to, *r});
    }
  }
  return v;
}
template <class T>
std::optional<T> answer(const std::vector<Output>& outs, uint64_t request_id) {
  for (const Output& o : outs) {
    if (auto* r = std::get_if<OutResponse>(&o); r && r->request_id == request_id) {
      if (auto* t = std::get_if<T>(&r->response)) return *t;
    }
  }
  return std::nullopt;
}

TEST(RaftNode, SingleVoterElectsItselfAndCommits) {
  TestNode n(1, {1});
  n.start();
  EXPECT_EQ(n->role(), Role::Leader);
  EXPECT_EQ(n->epoch(), 1);
  EXPECT_EQ(n.quorum.state()->leader_id, 1);
  auto off = n->propose({b("a"), b("b")}, 5);
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(*off, 2);  // offset 0 is the LeaderChange batch
  n->tick(10);
  EXPECT_EQ(n->high_watermark(), 3);
  ASSERT_EQ(n.sm.applied.size(), 2u);
  EXPECT_TRUE(n.sm.applied[0].control);
  EXPECT_EQ(unpack_records(n.sm.applied[1].data)->at(1), b("b"));
}

TEST(RaftNode, ProposeOnFollowerIsNotLeader) {
  TestNode n(1, {1, 2, 3});
  n.start();
  auto r = n->propose({b("x")}, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::kNotLeaderOrFollower);
}

TEST(RaftNode, VoteRefusedToStaleLogAndGrantedVoteIsPersistedFirst) {
  TestNode n(1, {1, 2, 3});
  (void)n.log.append_as_leader(2, {b("x"), b("y")}, false);  // our log: epoch 2, end 2
  ASSERT_TRUE(n.log.flush().ok());
  n.start();
  n->on_request(1, 2, VoteRequest{"c", 3, 2, 1, 5, false}, 10);  // last epoch 1 < 2
  auto r = answer<VoteResponse>(n->drain(), 1);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->vote_granted);
  EXPECT_EQ(r->epoch, 3);  // the higher epoch was adopted
  n->on_request(2, 3, VoteRequest{"c", 3, 3, 2, 2, false}, 20);  // as up to date
  r = answer<VoteResponse>(n->drain(), 2);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->vote_granted);
  EXPECT_EQ(n.quorum.state()->voted_id, 3);  // on disk by the time the answer leaves
  n->on_request(3, 2, VoteRequest{"c", 3, 2, 2, 9, false}, 30);  // one vote per epoch
  EXPECT_FALSE(answer<VoteResponse>(n->drain(), 3)->vote_granted);
  n->on_request(4, 2, VoteRequest{"c", 2, 2, 9, 9, false}, 30);  // older epoch
  EXPECT_EQ(answer<VoteResponse>(n->drain(), 4)->error, errc::kFencedLeaderEpoch);
  n->on_request(5, 2, VoteRequest{"other", 4, 2, 9, 9, false}, 30);
  EXPECT_EQ(answer<VoteResponse>(n->drain(), 5)->error, errc::kInconsistentClusterId);
}

TEST(RaftNode, PreVoteRefusedWhileLeaderAliveAndNeverBumpsEpoch) {
  TestNode n(1, {1, 2, 3});
  n.start();
  n->on_request(1, 2, BeginQuorumEpochRequest{"c", 4, 2}, 0);
  EXPECT_EQ(n->role(), Role::Follower);
  EXPECT_EQ(n->leader_id(), 2);
  auto fetches = sent<FetchRequest>(n->drain());
  ASSERT_EQ(fetches.size(), 1u);
  n->on_response(2, fetches[0].second.correlation_id, FetchResponse{0, 4, 2, 0}, 50);
  n->on_request(2, 3, VoteRequest{"c", 4, 3, 0, 0, true}, 100);
  auto r = answer<VoteResponse>(n->drain(), 2);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->vote_granted);
  EXPECT_EQ(r->leader_id, 2);
  n->on_request(3, 3, VoteRequest{"c", 5, 3, 0, 0, true}, 200);  // a pre-vote never bumps
  EXPECT_EQ(n->epoch(), 4);
  // Once the leader has been silent for the fetch timeout, the pre-vote is granted.
  n->on_request(4, 3, VoteRequest{"c", 4, 3, 0, 0, true}, 50 + n.cfg.fetch_timeout_ms);
  EXPECT_TRUE(answer<VoteResponse>(n->drain(), 4)->vote_granted);
}

TEST(RaftNode, FollowerTruncatesOnDivergenceThenRefetches) {
  TestNode n(1, {1, 2, 3});
  for (int i = 0; i < 3; ++i) (void)n.log.append_as_leader(1, {b("a")}, false);  // 0..2 epoch 1
  for (int i = 0; i < 2; ++i) (void)n.log.append_as_leader(2, {b("b")}, false);  // 3..4 epoch 2
  ASSERT_TRUE(n.log.flush().ok());
  n.start();
  n->on_request(1, 2, BeginQuorumEpochRequest{"c", 3, 2}, 0);
  auto f = sent<FetchRequest>(n->drain());
  ASSERT_EQ(f.size(), 1u);
  const auto& req = std::get<FetchRequest>(f[0].second.request);
  EXPECT_EQ(req.fetch_offset, 5);
  EXPECT_EQ(req.last_fetched_epoch, 2);
  FetchResponse resp{0, 3, 2, 2};
  resp.diverging_epoch = DivergingEpoch{1, 3};  // the leader's epoch 1 ended at 3
  n->on_response(2, f[0].second.correlation_id, resp, 10);
  EXPECT_EQ(n.log.end_offset(), 3);
  EXPECT_EQ(n->high_watermark(), 0);  // not from a diverging answer
  f = sent<FetchRequest>(n->drain());
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(std::get<FetchRequest>(f[0].second.request).fetch_offset, 3);
  EXPECT_EQ(std::get<FetchRequest>(f[0].second.request).last_fetched_epoch, 1);
  // A duplicate of the old answer is refused by its correlation id.
  n->on_response(2, f[0].second.correlation_id - 1, resp, 11);
  EXPECT_EQ(n.log.end_offset(), 3);
}

TEST(RaftNode, FollowerInstallsFetchedSnapshotInChunks) {
  TestNode n(1, {1, 2, 3}, [](Config& c) { c.snapshot_chunk_bytes = 3; });
  n.start();
  n->on_request(1, 2, BeginQuorumEpochRequest{"c", 2, 2}, 0);
  auto f = sent<FetchRequest>(n->drain());
  FetchResponse resp{0, 2, 2, 12};
  resp.snapshot_id = SnapshotId{10, 1};
  resp.log_start_offset = 10;
  n->on_response(2, f[0].second.correlation_id, resp, 10);
  Bytes snap;
  append_be64(snap, 10);
  for (int64_t pos = 0; pos < 8; pos += 3) {
    auto fs = sent<FetchSnapshotRequest>(n->drain());
    ASSERT_EQ(fs.size(), 1u) << pos;
    const auto& r = std::get<FetchSnapshotRequest>(fs[0].second.request);
    EXPECT_EQ(r.position, pos);
    EXPECT_EQ(r.snapshot_id, (SnapshotId{10, 1}));
    FetchSnapshotResponse chunk{0, 2, 2, SnapshotId{10, 1}, 8, pos, {}};
    chunk.bytes.assign(snap.begin() + pos, snap.begin() + std::min<int64_t>(pos + 3, 8));
    n->on_response(2, fs[0].second.correlation_id, chunk, 20 + pos);
  }
  ASSERT_TRUE(n.sm.restored);
  EXPECT_EQ(*n.sm.restored, (SnapshotId{10, 1}));
  EXPECT_EQ(n.log.start_offset(), 10);
  EXPECT_EQ(n->high_watermark(), 10);
  EXPECT_EQ(n.snapshots.latest(), (SnapshotId{10, 1}));
  f = sent<FetchRequest>(n->drain());
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(std::get<FetchRequest>(f[0].second.request).fetch_offset, 10);
  EXPECT_EQ(std::get<FetchRequest>(f[0].second.request).last_fetched_epoch, 1);
}

TEST(RaftNode, ObserverNeverVotes) {
  TestNode n(7, {1, 2, 3});
  n.start();
  EXPECT_EQ(n->role(), Role::Observer);
  n->on_request(1, 2, VoteRequest{"c", 1, 2, 0, 0, false}, 0);
  EXPECT_EQ(answer<VoteResponse>(n->drain(), 1)->error, errc::kInconsistentVoterSet);
  n->tick(100000);
  EXPECT_EQ(n->epoch(), 0);  // never a candidate
}

// A lossless network for a few nodes: every output is delivered on the next step.
struct Pump {
  std::map<int32_t, std::unique_ptr<TestNode>> nodes;
  std::set<int32_t> cut;  // nodes whose traffic is dropped
  int64_t now = 0;
  uint64_t next_id = 1;
  std::map<uint64_t, std::pair<int32_t, uint64_t>> pending;
  struct Msg { int32_t from, to; uint64_t corr; std::optional<Request> req; std::optional<Response> resp; };
  std::deque<Msg> q;

  TestNode& add(int32_t id, std::vector<int32_t> voters, std::function<void(Config&)> tweak = {}) {
    auto& n = nodes[id] = std::make_unique<TestNode>(id, voters, tweak);
    n->start(now, uint64_t(id) * 77);
    return *n;
  }
  void collect(int32_t id) {
    for (Output& o : nodes[id]->node->drain()) {
      if (auto* r = std::get_if<OutRequest>(&o)) {
        q.push_back({id, r->to, r->correlation_id, r->request, std::nullopt});
      } else {
        auto& a = std::get<OutResponse>(o);
        auto [to, corr] = pending[a.request_id];
        q.push_back({id, to, corr, std::nullopt, a.response});
      }
    }
  }
  void step(int64_t ms = 10) {
    now += ms;
    std::deque<Msg> batch;
    batch.swap(q);
    for (Msg& m : batch) {
      if (cut.count(m.from) || cut.count(m.to) || !nodes.count(m.to)) continue;
      auto& n = *nodes[m.to];
      if (m.req) {
        uint64_t id = next_id++;
        pending[id] = {m.from, m.corr};
        n->on_request(id, m.from, *m.req, now);
      } else {
        n->on_response(m.from, m.corr, *m.resp, now);
      }
      collect(m.to);
    }
    for (auto& [id, n] : nodes) {
      n->node->tick(now);
      collect(id);
    }
  }
  int32_t leader() {
    for (auto& [id, n] : nodes) if (n->node->role() == Role::Leader && !cut.count(id)) return id;
    return kNoNode;
  }
  bool run_until(const std::function<bool()>& done, int64_t max_ms) {
    for (int64_t end = now + max_ms; now < end;) {
      step();
      if (done()) return true;
    }
    return false;
  }
};

TEST(RaftNode, ThreeVotersElectReplicateSnapshotAndServeLateObserver) {
  spdlog::set_level(spdlog::level::warn);
  Pump p;
  auto tweak = [](Config& c) { c.snapshot_every_records = 5; };
  for (int32_t id : {1, 2, 3}) p.add(id, {1, 2, 3}, tweak);
  ASSERT_TRUE(p.run_until([&] { return p.leader() >= 0; }, 5000));
  int32_t l = p.leader();
  int64_t last = 0;
  for (int i = 0; i < 30; ++i) last = *p.nodes[l]->node->propose({b("r" + std::to_string(i))}, p.now);
  ASSERT_TRUE(p.run_until([&] {
    for (auto& [id, n] : p.nodes) if (n->sm.next <= last) return false;
    return true;
  }, 3000));
  EXPECT_GT(p.nodes[l]->log.start_offset(), 0);  // snapshots dropped the prefix
  auto d = p.nodes[l]->node->describe(p.now);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->leader_id, l);
  EXPECT_EQ(d->voters.size(), 3u);
  // An observer joining now starts below the leader's log start: it gets the snapshot.
  auto& obs = p.add(9, {1, 2, 3}, tweak);
  ASSERT_TRUE(p.run_until([&] { return obs.sm.next > last; }, 5000));
  EXPECT_TRUE(obs.sm.restored.has_value());
  EXPECT_EQ(obs->leader_id(), l);
  EXPECT_EQ(obs->role(), Role::Observer);
}

TEST(RaftNode, LeaderWithoutQuorumResignsAndGracefulResignHandsOver) {
  spdlog::set_level(spdlog::level::warn);
  Pump p;
  for (int32_t id : {1, 2, 3}) p.add(id, {1, 2, 3});
  ASSERT_TRUE(p.run_until([&] { return p.leader() >= 0; }, 5000));
  int32_t l = p.leader();
  int32_t epoch = p.nodes[l]->node->epoch();
  p.cut = {l};
  ASSERT_TRUE(p.run_until([&] { return p.nodes[l]->node->role() != Role::Leader; },
                          p.nodes[l]->cfg.fetch_timeout_ms * 3 / 2 + 100));
  EXPECT_EQ(p.nodes[l]->node->role(), Role::Resigned);
  p.cut.clear();
  ASSERT_TRUE(p.run_until([&] { int32_t x = p.leader(); return x >= 0 && p.nodes[x]->node->epoch() > epoch; }, 10000));
  // Graceful: the leader resigns and a successor is elected well within an election timeout.
  l = p.leader();
  epoch = p.nodes[l]->node->epoch();
  p.step();
  p.nodes[l]->node->resign(p.now);
  p.collect(l);
  int64_t t0 = p.now;
  ASSERT_TRUE(p.run_until([&] { int32_t x = p.leader(); return x >= 0 && x != l; }, 5000));
  EXPECT_LT(p.now - t0, p.nodes[l]->cfg.election_timeout_ms);
  EXPECT_GT(p.nodes[p.leader()]->node->epoch(), epoch);
}

TEST(RaftNode, EveryFollowerLearnsANewHighWatermarkWithoutWaitingOutItsLongPoll) {
  spdlog::set_level(spdlog::level::warn);
  Pump p;
  for (int32_t id : {1, 2, 3}) p.add(id, {1, 2, 3});
  ASSERT_TRUE(p.run_until([&] { return p.leader() >= 0; }, 5000));
  int32_t l = p.leader();
  // Settle: every follower caught up, its fetch parked at the leader as a long poll.
  p.run_until([] { return false; }, 1000);
  for (int round = 0; round < 3; ++round) {
    int64_t last = *p.nodes[l]->node->propose({b("r" + std::to_string(round))}, p.now);
    int64_t t0 = p.now;
    // The first follower's next fetch moves the high watermark; the second one, fetching just
    // after, is answered at once with it rather than held for fetch_max_wait_ms.
    ASSERT_TRUE(p.run_until([&] {
      for (auto& [id, n] : p.nodes) if (n->sm.next <= last) return false;
      return true;
    }, 3000));
    EXPECT_LT(p.now - t0, p.nodes[l]->cfg.fetch_max_wait_ms / 2) << "round " << round;
    p.run_until([] { return false; }, 1000);
  }
}

TEST(RaftNode, RestartedNodeKeepsEpochAndVote) {
  TestNode n(1, {1, 2, 3});
  n.start();
  n->on_request(1, 2, VoteRequest{"c", 5, 2, 0, 0, false}, 0);
  EXPECT_TRUE(answer<VoteResponse>(n->drain(), 1)->vote_granted);
  n.start(100, 2);  // a new incarnation on the same disk
  EXPECT_EQ(n->epoch(), 5);
  EXPECT_EQ(n->voted_id(), 2);
  n->on_request(1, 3, VoteRequest{"c", 5, 3, 0, 0, false}, 110);
  EXPECT_FALSE(answer<VoteResponse>(n->drain(), 1)->vote_granted);
}

TEST(RaftNode, FetchFromOldEpochIsFenced) {
  TestNode n(1, {1});
  n.start();
  n->on_request(1, 5, FetchRequest{"c", 5, 0, 0, 0, 0}, 0);
  auto r = answer<FetchResponse>(n->drain(), 1);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->error, errc::kFencedLeaderEpoch);
  EXPECT_EQ(r->leader_id, 1);
  EXPECT_EQ(r->epoch, 1);
}

}  // namespace
}  // namespace gregor::raft
