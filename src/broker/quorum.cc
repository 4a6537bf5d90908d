// The broker's side of the controller quorum: Raft requests handed to the quorum member on
// shard 0, leader tracking, image publication after each commit, forwarding of controller
// requests to the active controller, and the serialized controller write path.
#include <asio/co_spawn.hpp>
#include <asio/this_coro.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include <fmt/format.h>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker.h"
#include "broker/raft_service.h"
#include "controller/metadata_state_machine.h"
#include "broker/controller_call.h"
#include "net/client.h"
#include "net/rpc.h"
#include "protocol/generated/messages.h"

namespace gregor::broker {

namespace {
constexpr int16_t kNotController = 41;
constexpr int64_t kCommitTimeoutMs = 15000;

asio::awaitable<std::optional<raft::Response>> raft_handle(RaftService* raft, int32_t from, raft::Request request) {
  co_return co_await raft->handle(from, std::move(request));
}
}  // namespace

void Broker::attach_quorum(RaftService* raft, controller::MetadataStateMachine* state_machine,
                           std::vector<VoterEndpoint> voters) {
  raft_ = raft;
  state_machine_ = state_machine;
  voters_ = std::move(voters);
}

asio::awaitable<std::optional<raft::Response>> Broker::raft_call(int32_t from, raft::Request request) {
  if (!raft_) co_return std::nullopt;
  co_return co_await asio::co_spawn(shards_.context(0), raft_handle(raft_, from, std::move(request)),
                                    asio::use_awaitable);
}

int64_t Broker::applied_metadata_offset() const {
  return state_machine_ ? state_machine_->applied_end_offset() - 1 : -1;
}

asio::awaitable<Result<raft::QuorumDescription>> Broker::describe_quorum() {
  if (!raft_) co_return make_error(kNotController, "this node runs no controller quorum");
  co_return co_await shards_.invoke_on(0, [this] { return raft_->describe(); });
}

void Broker::on_quorum_progress() {
  bool leader = raft_->is_leader();
  int32_t leader_id = raft_->node().leader_id();
  bool was_leader = active_controller_.exchange(leader);
  quorum_leader_.store(leader_id);
  if (leader != was_leader)
    GLOG_INFO("controller: node {} {} the active controller (epoch {})", options_.node_id,
              leader ? "is now" : "is no longer", raft_->node().epoch());
  auto image = state_machine_->image();
  if (image->version != published_version_ && !stopped_) {
    published_version_ = image->version;
    auto next = std::make_shared<metadata::Image>(*image);
    // As Kafka's KRaft brokers do, clients are told that this broker is the controller: it
    // forwards controller requests to the active controller, whichever node that is now.
    next->controller_id = options_.advertised.empty() ? leader_id : options_.node_id;
    controller_.set_image(next);
    asio::co_spawn(shards_.context(0), publish(), [](std::exception_ptr e) {
      if (e) GLOG_ERROR("publishing the metadata image failed");
    });
  }
}

asio::awaitable<void> Broker::lock_controller() {
  while (controller_locked_) {
    auto t = std::make_shared<asio::steady_timer>(shards_.context(0), std::chrono::hours(1));
    controller_waiters_.push_back(t);
    std::error_code ec;
    co_await t->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  controller_locked_ = true;
}

void Broker::unlock_controller() {
  controller_locked_ = false;
  if (!controller_waiters_.empty()) {
    controller_waiters_.front()->cancel();
    controller_waiters_.erase(controller_waiters_.begin());
  }
}

asio::awaitable<Status> Broker::commit_pending() {
  auto records = controller_.take_pending();
  if (records.empty()) co_return Status::OK();
  if (!raft_ || !raft_->is_leader()) {
    controller_.abandon_pending();
    co_return make_error(kNotController, "this node is not the active controller");
  }
  std::vector<Bytes> values;
  values.reserve(records.size());
  for (const auto& r : records) values.push_back(metadata::encode_record(r));
  int32_t epoch = raft_->node().epoch();
  auto offset = raft_->propose(std::move(values));
  if (!offset.ok()) {
    controller_.abandon_pending();
    co_return offset.error();
  }
  auto applied = co_await raft_->wait_applied(*offset, epoch, kCommitTimeoutMs);
  if (!applied.ok()) {
    controller_.abandon_pending();
    co_return applied;
  }
  on_quorum_progress();
  co_await publish();
  co_return Status::OK();
}

asio::awaitable<void> Broker::controller_timer_loop(const std::atomic<bool>& stopping) {
  bool was_active = false;
  int64_t last_rebalance = mono_ms();
  asio::steady_timer timer(shards_.context(0));
  while (!stopping.load()) {
    timer.expires_after(std::chrono::milliseconds(250));
    std::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping.load() || !raft_) break;
    bool active = is_active_controller();
    if (active && !was_active) controller_.rebuild_sessions(mono_ms());
    was_active = active;
    if (!active) continue;
    // auto.leader.rebalance.enable: preferred leaders back, every leader.imbalance.check.interval.seconds.
    int64_t now = mono_ms();
    if (local().config.get_bool("auto.leader.rebalance.enable") &&
        now - last_rebalance >= local().config.get_long("leader.imbalance.check.interval.seconds") * 1000) {
      last_rebalance = now;
      bool moved = co_await controller_call(
          *this, [](controller::Controller& c) { return c.rebalance_leaders(); }, false);
      if (moved) GLOG_INFO("controller: moved partition leaderships back to their preferred replicas");
    }
    for (int i = 0; i < 16; ++i) {
      auto fenced = co_await controller_call(
          *this, [](controller::Controller& c) { return c.fence_stale_broker(mono_ms()); },
          std::optional<int32_t>());
      if (!fenced) break;
      GLOG_WARN("controller: fenced broker {}: no heartbeat within broker.session.timeout.ms", *fenced);
    }
  }
}

std::shared_ptr<net::Client> Broker::controller_client(int32_t node) {
  const VoterEndpoint* target = nullptr;
  for (const auto& v : voters_)
    if (v.id == node) target = &v;
  if (!target) return nullptr;
  auto& client = local().controller_clients[node];
  if (!client)
    client = net::Client::make(shards_.context(local().shard).get_executor(),
                               net::Client::Options{target->host, target->port, 2000, 128 << 20});
  return client;
}

asio::awaitable<std::vector<controller::CreateTopicResult>> Broker::create_topics_anywhere(
    std::vector<controller::CreateTopicSpec> specs) {
  std::vector<controller::CreateTopicResult> results;
  if (is_active_controller() || !raft_) {
    results = co_await controller_call(
        *this, [&specs](controller::Controller& c) { return c.create_topics(specs, false); },
        std::vector<controller::CreateTopicResult>{});
  } else {
    // Ask the active controller with a CreateTopics request of our own.
    if (auto client = controller_client(quorum_leader())) {
      proto::CreateTopicsRequest req;
      for (const auto& s : specs) {
        auto& t = req.topics.emplace_back();
        t.name = s.name;
        t.num_partitions = s.num_partitions;
        t.replication_factor = s.replication_factor;
        for (const auto& [k, v] : s.configs) t.configs.push_back({k, v});
      }
      auto resp = co_await net::rpc<proto::CreateTopicsResponse>(*client, req, 7,
                                                                  fmt::format("broker-{}", options_.node_id), 30000);
      if (resp.ok() && resp->topics.size() == specs.size()) {
        for (const auto& t : resp->topics)
          results.push_back(controller::CreateTopicResult{t.error_code, t.error_message.value_or(""), t.topic_id,
                                                          t.num_partitions, t.replication_factor});
      }
    }
  }
  if (results.size() != specs.size()) {
    auto e = not_controller_error();
    results.assign(specs.size(), controller::CreateTopicResult{e.code, e.message});
  }
  for (size_t i = 0; i < results.size(); ++i)
    if (results[i].error == 0)
      GLOG_INFO("created topic {} with {} partition(s), replication factor {}", specs[i].name,
                results[i].num_partitions, results[i].replication_factor);
  // The new topics reach this node's shards through the metadata log; wait a little for them.
  for (int i = 0; i < 100; ++i) {
    bool all = true;
    for (size_t s = 0; s < specs.size(); ++s)
      if (results[s].error == 0 && !local().image->find_topic(specs[s].name)) all = false;
    if (all) break;
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(20));
    std::error_code ec;
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return results;
}

asio::awaitable<std::optional<net::HandlerResult>> Broker::forward_to_controller(SharedSlice frame,
                                                                                 int32_t correlation_id) {
  int32_t leader = quorum_leader();
  auto client = controller_client(leader);
  if (!client || frame.size() < 8) co_return std::nullopt;
  Bytes request(frame.data(), frame.data() + frame.size());
  auto answer = co_await client->call(std::move(request), 30000);
  if (!answer.ok()) {
    GLOG_DEBUG("forwarding to controller {} failed: {}", leader, answer.error().message);
    co_return std::nullopt;
  }
  // The answer after its correlation id (and, if flexible, its header's tagged fields, kept).
  Bytes head;
  append_be32(head, uint32_t(correlation_id));
  io::OutChunks chunks;
  chunks.emplace_back(std::move(head));
  chunks.emplace_back(std::move(*answer));
  co_return net::HandlerResult{net::HandlerResult::Kind::kRespond, std::move(chunks)};
}

}  // namespace gregor::broker
