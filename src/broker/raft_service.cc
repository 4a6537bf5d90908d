#include "broker/raft_service.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include <fmt/format.h>

#include "base/clock.h"
#include "base/log.h"
#include "net/client.h"
#include "net/rpc.h"
#include "raft/file_quorum_state_store.h"
#include "raft/file_snapshot_store.h"
#include "raft/storage_raft_log.h"
#include "raft/wire.h"

namespace gregor::broker {

namespace {
constexpr int16_t kNotController = 41, kRequestTimedOut = 7;
constexpr int64_t kTickMs = 10;
constexpr int64_t kAnswerTimeoutMs = 30000;

// Waits on t until cancelled or expired.
asio::awaitable<void> wait_on(asio::steady_timer& t) {
  std::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}
}  // namespace

RaftService::RaftService(asio::any_io_executor ex, Options options, raft::StateMachine& state_machine)
    : ex_(ex), options_(std::move(options)), sm_(state_machine) {}

RaftService::~RaftService() = default;

Status RaftService::open() {
  auto dir = options_.metadata_dir / "__cluster_metadata-0";
  auto snaps = raft::FileSnapshotStore::open(dir);
  if (!snaps.ok()) return snaps.error();
  snapshots_ = std::move(*snaps);
  auto log = raft::StorageRaftLog::open(dir, snapshots_->latest());
  if (!log.ok()) return log.error();
  log_ = std::move(*log);
  quorum_ = std::make_unique<raft::FileQuorumStateStore>(dir / "quorum-state", options_.config.cluster_id,
                                                         options_.config.voters);
  uint64_t seed = options_.seed ? options_.seed : uint64_t(mono_ns()) ^ (uint64_t(options_.config.node_id) << 32);
  node_ = std::make_unique<raft::RaftNode>(options_.config, *log_, *quorum_, *snapshots_, sm_, seed);
  if (auto s = node_->start(mono_ms()); !s.ok()) return s;
  for (const auto& v : options_.voters) {
    if (v.id == options_.config.node_id) continue;
    clients_[v.id] = net::Client::make(ex_, net::Client::Options{v.host, v.port, 2000, 64 << 20});
  }
  GLOG_INFO("raft: node {} opened the metadata log (offsets {}..{}, epoch {}, {} voter(s))", options_.config.node_id,
            log_->start_offset(), log_->end_offset(), node_->epoch(), options_.config.voters.size());
  pump();
  return Status::OK();
}

void RaftService::start() {
  asio::co_spawn(ex_, tick_loop(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      GLOG_ERROR("raft tick loop failed: {}", ex.what());
    }
  });
}

asio::awaitable<void> RaftService::tick_loop() {
  tick_timer_ = std::make_shared<asio::steady_timer>(ex_);
  auto timer = tick_timer_;
  raft::Role last_role = node_->role();
  int32_t last_leader = node_->leader_id();
  while (!stopping_) {
    timer->expires_after(std::chrono::milliseconds(kTickMs));
    co_await wait_on(*timer);
    if (stopping_) break;
    node_->tick(mono_ms());
    pump();
    if (node_->role() != last_role || node_->leader_id() != last_leader) {
      last_role = node_->role();
      last_leader = node_->leader_id();
      GLOG_INFO("raft: node {} is {} in epoch {} (leader {})", options_.config.node_id, raft::role_name(last_role),
                node_->epoch(), last_leader);
    }
    if (node_->fatal_error()) {
      GLOG_ERROR("raft: fatal error, the quorum member stops: {}", node_->fatal_error()->message);
      if (options_.on_fatal) options_.on_fatal(*node_->fatal_error());
      break;
    }
  }
}

void RaftService::wake_appliers() {
  auto appliers = std::move(appliers_);
  appliers_.clear();
  for (auto& t : appliers) t->cancel();
}

void RaftService::pump() {
  for (auto& out : node_->drain()) {
    if (auto* resp = std::get_if<raft::OutResponse>(&out)) {
      auto it = slots_.find(resp->request_id);
      if (it == slots_.end()) continue;
      it->second->response = std::move(resp->response);
      it->second->timer->cancel();
      slots_.erase(it);
    } else {
      auto& req = std::get<raft::OutRequest>(out);
      asio::co_spawn(ex_, send(req.to, req.correlation_id, std::move(req.request)), asio::detached);
    }
  }
  if (node_->applied_offset() != last_applied_ || !is_leader()) {
    last_applied_ = node_->applied_offset();
    wake_appliers();
  }
  if (options_.on_progress && !stopping_) options_.on_progress();
}

asio::awaitable<void> RaftService::send(int32_t to, uint64_t correlation_id, raft::Request request) {
  auto it = clients_.find(to);
  if (it == clients_.end() || stopping_) {
    node_->on_send_failed(to, correlation_id, mono_ms());
    pump();
    co_return;
  }
  auto client = it->second;
  std::string client_id = fmt::format("raft-{}", options_.config.node_id);
  int32_t timeout = int32_t(options_.config.request_timeout_ms);
  std::optional<raft::Response> response;
  std::optional<Error> failure;
  auto take = [&](auto wire) {
    if (!wire.ok()) {
      failure = wire.error();
      return;
    }
    auto mapped = raft::from_wire(*wire);
    if (!mapped.ok()) failure = mapped.error();
    else response = raft::Response(std::move(*mapped));
  };
  if (auto* v = std::get_if<raft::VoteRequest>(&request)) {
    take(co_await net::rpc<proto::VoteResponse>(*client, raft::to_wire(*v), raft::kVoteVersion, client_id, timeout));
  } else if (auto* b = std::get_if<raft::BeginQuorumEpochRequest>(&request)) {
    take(co_await net::rpc<proto::BeginQuorumEpochResponse>(*client, raft::to_wire(*b), raft::kBeginEpochVersion,
                                                            client_id, timeout));
  } else if (auto* e = std::get_if<raft::EndQuorumEpochRequest>(&request)) {
    take(co_await net::rpc<proto::EndQuorumEpochResponse>(*client, raft::to_wire(*e), raft::kEndEpochVersion,
                                                          client_id, timeout));
  } else if (auto* f = std::get_if<raft::FetchRequest>(&request)) {
    take(co_await net::rpc<proto::FetchResponse>(*client, raft::to_wire(*f), raft::kFetchVersion, client_id,
                                                 timeout + f->max_wait_ms));
  } else if (auto* s = std::get_if<raft::FetchSnapshotRequest>(&request)) {
    take(co_await net::rpc<proto::FetchSnapshotResponse>(*client, raft::to_wire(*s), raft::kFetchSnapshotVersion,
                                                         client_id, timeout));
  }
  if (stopping_) co_return;
  if (response) {
    node_->on_response(to, correlation_id, *response, mono_ms());
  } else {
    GLOG_DEBUG("raft: {} to node {} failed: {}", raft::request_name(request), to,
               failure ? failure->message : std::string("no answer"));
    node_->on_send_failed(to, correlation_id, mono_ms());
  }
  pump();
}

asio::awaitable<raft::Response> RaftService::handle(int32_t from, raft::Request request) {
  uint64_t id = next_request_id_++;
  auto slot = std::make_shared<Slot>();
  slot->timer = std::make_unique<asio::steady_timer>(ex_, std::chrono::milliseconds(kAnswerTimeoutMs));
  slots_[id] = slot;
  node_->on_request(id, from, request, mono_ms());
  pump();
  if (!slot->response) co_await wait_on(*slot->timer);
  slots_.erase(id);
  if (slot->response) co_return std::move(*slot->response);
  // No answer (the node stopped): say so in the shape of the request's answer.
  raft::Response none;
  std::visit(
      [&](const auto& r) {
        using R = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<R, raft::VoteRequest>) none = raft::VoteResponse{raft::errc::kBrokerNotAvailable};
        else if constexpr (std::is_same_v<R, raft::BeginQuorumEpochRequest>)
          none = raft::BeginQuorumEpochResponse{raft::errc::kBrokerNotAvailable};
        else if constexpr (std::is_same_v<R, raft::EndQuorumEpochRequest>)
          none = raft::EndQuorumEpochResponse{raft::errc::kBrokerNotAvailable};
        else if constexpr (std::is_same_v<R, raft::FetchRequest>) none = raft::FetchResponse{raft::errc::kBrokerNotAvailable};
        else none = raft::FetchSnapshotResponse{raft::errc::kBrokerNotAvailable};
      },
      request);
  co_return none;
}

bool RaftService::is_leader() const { return node_ && node_->role() == raft::Role::Leader; }

Result<int64_t> RaftService::propose(std::vector<Bytes> records) {
  auto r = node_->propose(std::move(records), mono_ms());
  if (!r.ok()) return make_error(kNotController, r.error().message);
  pump();
  return r;
}

asio::awaitable<Status> RaftService::wait_applied(int64_t offset, int32_t epoch, int64_t timeout_ms) {
  int64_t deadline = mono_ms() + timeout_ms;
  for (;;) {
    if (node_->applied_offset() > offset) co_return Status::OK();
    if (!is_leader() || node_->epoch() != epoch)
      co_return make_error(kNotController, "this controller lost the leadership before the change was committed");
    int64_t left = deadline - mono_ms();
    if (left <= 0) co_return make_error(kRequestTimedOut, "the metadata change was not committed in time");
    auto t = std::make_shared<asio::steady_timer>(ex_, std::chrono::milliseconds(left));
    appliers_.push_back(t);
    co_await wait_on(*t);
  }
}

Result<raft::QuorumDescription> RaftService::describe() const {
  int64_t mono = mono_ms(), wall = wall_ms();
  auto d = node_->describe(mono);
  if (!d.ok()) return d;
  auto to_wall = [&](int64_t t) { return t < 0 ? t : wall - (mono - t); };
  for (auto* list : {&d->voters, &d->observers})
    for (auto& r : *list) {
      r.last_fetch_ms = to_wall(r.last_fetch_ms);
      r.last_caught_up_ms = to_wall(r.last_caught_up_ms);
    }
  return d;
}

asio::awaitable<void> RaftService::stop() {
  if (!node_) co_return;
  if (is_leader()) {
    node_->resign(mono_ms());
    pump();
    // Give the EndQuorumEpoch requests a moment to leave.
    asio::steady_timer t(ex_, std::chrono::milliseconds(100));
    co_await wait_on(t);
  }
  stopping_ = true;
  if (tick_timer_) tick_timer_->cancel();
  for (auto& [id, c] : clients_) c->close();
  for (auto& [id, slot] : slots_) slot->timer->cancel();
  wake_appliers();
  if (auto s = log_->close(); !s.ok()) GLOG_ERROR("closing the metadata log: {}", s.error().message);
}

}  // namespace gregor::broker
