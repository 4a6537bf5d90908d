// BrokerLifecycle: this node's broker as the active controller sees it. On shard 0 it
// registers with the active controller (BrokerRegistration: node id, a fresh incarnation id,
// the advertised listeners, the rack), then heartbeats (BrokerHeartbeat with the metadata offset
// it has applied) every broker.heartbeat.interval.ms, faster while it is still fenced. A
// STALE_BROKER_EPOCH answer or a new controller that lost the registration makes it register
// again; DUPLICATE_BROKER_REGISTRATION (another live process with this node.id) is logged and
// retried, so the node serves nothing as a broker until the other one is gone.
// controlled_shutdown() asks the controller to move this broker's leaderships away
// (want_shut_down) and waits for its go-ahead, up to a deadline.
// Thread-safety: shard 0 only; unfenced() may be read from any shard.
#pragma once

#include <asio/awaitable.hpp>

#include <atomic>
#include <cstdint>
#include <memory>

#include "base/result.h"
#include "protocol/uuid.h"

namespace gregor::net { class Client; }

namespace gregor::broker {

class Broker;

class BrokerLifecycle {
 public:
  explicit BrokerLifecycle(Broker& broker);
  ~BrokerLifecycle();

  // Runs until stop(); spawn on shard 0.
  asio::awaitable<void> run();
  void stop() { stopping_ = true; }
  // Waits (up to timeout_ms) until the controller has unfenced this broker; false on timeout.
  asio::awaitable<bool> wait_unfenced(int64_t timeout_ms);
  // Asks to shut down and waits (up to timeout_ms) until the controller agrees.
  asio::awaitable<void> controlled_shutdown(int64_t timeout_ms);

  bool registered() const { return broker_epoch_ >= 0; }
  bool unfenced() const { return unfenced_.load(); }
  int64_t broker_epoch() const { return broker_epoch_; }

 private:
  asio::awaitable<Status> register_once();
  // One heartbeat; sets should_shut_down_ when the controller says so.
  asio::awaitable<Status> heartbeat_once(bool want_shut_down);
  net::Client* controller_client();
  // Registration and heartbeat request timeout: half of broker.session.timeout.ms (0.5-10 s).
  int32_t request_timeout_ms();

  Broker& broker_;
  proto::Uuid incarnation_;
  int64_t broker_epoch_ = -1;
  std::atomic<bool> unfenced_{false};
  bool should_shut_down_ = false;
  bool stopping_ = false;
  int32_t client_target_ = -1;
  std::shared_ptr<net::Client> client_;
};

}  // namespace gregor::broker
