#include "broker/broker_lifecycle.h"

#include <algorithm>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <random>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker.h"
#include "net/client.h"
#include "net/rpc.h"
#include "protocol/generated/messages.h"

namespace gregor::broker {

namespace {
constexpr int16_t kStaleBrokerEpoch = 77, kDuplicateRegistration = 101, kNotController = 41;
constexpr int16_t kRegistrationVersion = 2, kHeartbeatVersion = 1;

asio::awaitable<void> sleep_ms(int64_t ms) {
  asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
  std::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}
}  // namespace

BrokerLifecycle::BrokerLifecycle(Broker& broker) : broker_(broker) {
  std::mt19937_64 rng(std::random_device{}() ^ uint64_t(mono_ns()));
  do {
    for (auto& b : incarnation_.bytes) b = uint8_t(rng());
  } while (incarnation_.is_zero());
  // This process's own controller may accept this incarnation at once: the process holds the
  // log-dir lock, so no earlier incarnation of this node is still running.
  broker_.controller().set_local_broker(broker_.options().node_id, incarnation_);
}

BrokerLifecycle::~BrokerLifecycle() = default;

net::Client* BrokerLifecycle::controller_client() {
  int32_t leader = broker_.quorum_leader();
  if (leader < 0) return nullptr;
  if (client_ && client_target_ == leader) return client_.get();
  if (client_) client_->close();
  client_.reset();
  for (const auto& v : broker_.voters()) {
    if (v.id != leader) continue;
    client_ = net::Client::make(broker_.shards().context(0).get_executor(),
                                net::Client::Options{v.host, v.port, 2000, 1 << 20});
    client_target_ = leader;
  }
  return client_.get();
}

int32_t BrokerLifecycle::request_timeout_ms() {
  // Half the session: an answer that has not come by then (a controller paused or cut off)
  // leaves time to heartbeat the next active controller before that one fences us.
  int64_t session = broker_.local().config.get_long("broker.session.timeout.ms");
  return int32_t(std::clamp<int64_t>(session / 2, 500, 10000));
}

asio::awaitable<Status> BrokerLifecycle::register_once() {
  auto* client = controller_client();
  if (!client) co_return make_error(kNotController, "no active controller known yet");
  const auto& opts = broker_.options();
  proto::BrokerRegistrationRequest req;
  req.broker_id = opts.node_id;
  req.cluster_id = broker_.local().image->cluster_id;
  req.incarnation_id = incarnation_;
  for (const auto& a : opts.advertised) {
    proto::BrokerRegistrationRequest::Listener l;
    l.name = a.name;
    l.host = a.host;
    l.port = uint16_t(a.port);
    l.security_protocol = 0;
    req.listeners.push_back(std::move(l));
  }
  auto rack = broker_.local().config.resolve("broker.rack").value;
  if (rack && !rack->empty()) req.rack = *rack;
  else req.rack = std::nullopt;
  auto resp = co_await net::rpc<proto::BrokerRegistrationResponse>(*client, req, kRegistrationVersion,
                                                                     fmt::format("broker-{}", opts.node_id),
                                                                     request_timeout_ms());
  if (!resp.ok()) co_return resp.error();
  if (resp->error_code != 0) {
    if (resp->error_code == kDuplicateRegistration)
      co_return make_error(resp->error_code,
                           fmt::format("another live broker is registered with node.id {}; this one waits until its "
                                       "session expires", opts.node_id));
    co_return make_error(resp->error_code, fmt::format("registration refused with error {}", resp->error_code));
  }
  broker_epoch_ = resp->broker_epoch;
  broker_.set_broker_epoch(broker_epoch_);
  GLOG_INFO("broker {} registered with controller {} (broker epoch {})", opts.node_id, client_target_, broker_epoch_);
  co_return Status::OK();
}

asio::awaitable<Status> BrokerLifecycle::heartbeat_once(bool want_shut_down) {
  auto* client = controller_client();
  if (!client) co_return make_error(kNotController, "no active controller known yet");
  proto::BrokerHeartbeatRequest req;
  req.broker_id = broker_.options().node_id;
  req.broker_epoch = broker_epoch_;
  req.current_metadata_offset = broker_.applied_metadata_offset();
  req.want_fence = false;
  req.want_shut_down = want_shut_down;
  const int64_t sent_ms = mono_ms();  // the controller's session for us starts no earlier
  auto resp = co_await net::rpc<proto::BrokerHeartbeatResponse>(*client, req, kHeartbeatVersion,
                                                                  fmt::format("broker-{}", req.broker_id),
                                                                  request_timeout_ms());
  if (!resp.ok()) co_return resp.error();
  if (resp->error_code == kStaleBrokerEpoch) {
    GLOG_WARN("broker {}: controller says broker epoch {} is stale; registering again", req.broker_id, broker_epoch_);
    broker_epoch_ = -1;
    broker_.set_broker_epoch(-1);
    unfenced_ = false;
  }
  if (resp->error_code != 0) {
    broker_.lose_session();
    co_return make_error(resp->error_code, "heartbeat refused");
  }
  if (resp->is_fenced) broker_.lose_session();
  else broker_.renew_session(sent_ms);
  bool was = unfenced_.exchange(!resp->is_fenced);
  if (was != !resp->is_fenced)
    GLOG_INFO("broker {} is {} by the controller", req.broker_id, resp->is_fenced ? "fenced" : "unfenced");
  should_shut_down_ = resp->should_shut_down;
  co_return Status::OK();
}

asio::awaitable<void> BrokerLifecycle::run() {
  int64_t interval = broker_.local().config.get_long("broker.heartbeat.interval.ms");
  broker_.set_session_timeout_ms(broker_.local().config.get_long("broker.session.timeout.ms"));
  std::string last_error;
  while (!stopping_) {
    // (No co_await inside ?: — g++ 12 destroys such temporaries twice.)
    Status st;
    if (registered()) st = co_await heartbeat_once(false);
    else st = co_await register_once();
    if (!st.ok() && st.error().message != last_error) {
      last_error = st.error().message;
      if (st.error().code != kNotController) GLOG_WARN("broker lifecycle: {}", last_error);
    } else if (st.ok()) {
      last_error.clear();
    }
    // Quick steps until registered and unfenced; then the configured interval.
    co_await sleep_ms(registered() && unfenced() ? interval : 100);
  }
}

asio::awaitable<bool> BrokerLifecycle::wait_unfenced(int64_t timeout_ms) {
  int64_t deadline = mono_ms() + timeout_ms;
  while (!unfenced() && mono_ms() < deadline) co_await sleep_ms(20);
  co_return unfenced();
}

asio::awaitable<void> BrokerLifecycle::controlled_shutdown(int64_t timeout_ms) {
  stopping_ = true;
  if (!registered()) co_return;
  int64_t deadline = mono_ms() + timeout_ms;
  int failures = 0;
  while (mono_ms() < deadline) {
    auto st = co_await heartbeat_once(true);
    if (st.ok() && should_shut_down_) {
      GLOG_INFO("controlled shutdown: the controller moved this broker's leaderships away");
      co_return;
    }
    // No controller to answer (the whole cluster is stopping, say): do not wait it out.
    failures = st.ok() ? 0 : failures + 1;
    if (failures >= 5) {
      GLOG_WARN("controlled shutdown: no controller answers ({}); shutting down", st.error().message);
      co_return;
    }
    co_await sleep_ms(200);
  }
  GLOG_WARN("controlled shutdown did not complete within {} ms; shutting down anyway", timeout_ms);
}

}  // namespace gregor::broker
