#include "server/node.h"

#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/redirect_error.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker.h"
#include "broker/broker_lifecycle.h"
#include "broker/log_dir_failure.h"
#include "broker/raft_service.h"
#include "controller/metadata_state_machine.h"
#include "controller/controller.h"
#include "io/dir_lock.h"
#include "net/connection_quota.h"
#include "net/listener.h"
#include "net/request_memory.h"
#include "net/shards.h"
#include "server/meta_properties.h"

namespace gregor::server {

namespace {

void log_exception(std::exception_ptr e, const char* what) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    GLOG_ERROR("{} failed: {}", what, ex.what());
  }
}

// Group coordinator timers (session expiry, join and sync deadlines, offset retention) on one
// shard, every 50 ms: the granularity of a member's session timeout; and the transaction
// coordinators' (timeouts, expiry, markers).
asio::awaitable<void> group_timer_loop(broker::Broker& broker, std::atomic<bool>& stopping) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!stopping.load()) {
    timer.expires_after(std::chrono::milliseconds(50));
    std::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping.load()) break;
    broker.group_tick();
    broker.txn_tick();
  }
}

// Replication timers on one shard, every 100 ms: acks=all deadlines and ISR shrink checks; on
// shard 0 also the high-watermark checkpoint (replica.high.watermark.checkpoint.interval.ms).
asio::awaitable<void> replication_timer_loop(broker::Broker& broker, std::atomic<bool>& stopping) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  int64_t last_checkpoint = mono_ms();
  while (!stopping.load()) {
    timer.expires_after(std::chrono::milliseconds(100));
    std::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping.load()) break;
    broker.replication_tick();
    if (broker.local().shard == 0 &&
        mono_ms() - last_checkpoint >= broker.local().config.get_long("replica.high.watermark.checkpoint.interval.ms")) {
      last_checkpoint = mono_ms();
      co_await broker.checkpoint_high_watermarks();
    }
  }
}

// Retention, rolls and flush policy on one shard, once a second.
asio::awaitable<void> housekeeping_loop(broker::Broker& broker, std::atomic<bool>& stopping) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  int64_t last_retention = 0;
  while (!stopping.load()) {
    timer.expires_after(std::chrono::seconds(1));
    std::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping.load()) break;
    int64_t check = broker.local().config.get_long("log.retention.check.interval.ms");
    int64_t now = mono_ms();
    if (now - last_retention >= check) {
      last_retention = now;
      broker.housekeeping(wall_ms());
    } else {
      // Rolls and flushes still run every second.
      for (auto& [key, p] : broker.local().partitions) {
        (void)p->log->roll_if_due(wall_ms());
        if (auto s = p->log->flush_if_due(wall_ms()); !s.ok()) broker::halt_on_log_dir_failure(p->log->dir(), s.error());
      }
    }
  }
}

}  // namespace

int run_node(const NodeConfig& node, const metadata::BrokerConfig& config, size_t shard_count) {
  // A peer that closes mid-response must cost only its connection: sendfile(2) has no
  // MSG_NOSIGNAL, so SIGPIPE is ignored process-wide and EPIPE handled where it occurs.
  std::signal(SIGPIPE, SIG_IGN);
  // A multi-node quorum's nodes derive one cluster id from the voters, so they form one cluster.
  std::string voters_text;
  for (const auto& v : node.voters) voters_text += fmt::format("{}{}@{}:{}", voters_text.empty() ? "" : ",", v.id, v.host, v.port);
  std::string derived = node.voters.size() > 1 || !node.controller ? cluster_id_for_voters(voters_text) : "";
  // Every data dir is locked before anything in it is read, and stays locked until exit.
  std::vector<io::DirLock> dir_locks;
  {
    std::vector<std::filesystem::path> dirs = node.log_dirs;
    dirs.push_back(node.metadata_dir);
    std::vector<std::filesystem::path> seen;
    for (const auto& dir : dirs) {
      std::error_code ec;
      std::filesystem::create_directories(dir, ec);
      if (ec) {
        GLOG_ERROR("cannot create log dir {}: {}", dir.string(), ec.message());
        return 1;
      }
      auto canonical = std::filesystem::weakly_canonical(dir, ec);
      if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
      seen.push_back(canonical);
      auto lock = io::DirLock::acquire(dir);
      if (!lock.ok()) {
        GLOG_ERROR("{}", lock.error().message);
        return 1;
      }
      dir_locks.push_back(std::move(*lock));
    }
  }
  auto cluster_id = ensure_meta_properties(node.log_dirs, node.node_id, derived);
  if (!cluster_id.ok()) {
    GLOG_ERROR("{}", cluster_id.error().message);
    return 1;
  }
  net::ShardSet shards(shard_count);

  controller::Controller::Options copts;
  copts.node_id = node.node_id;
  copts.cluster_id = *cluster_id;
  controller::Controller ctrl(copts, config);
  controller::MetadataStateMachine state_machine(*cluster_id);

  broker::BrokerOptions bopts;
  bopts.node_id = node.node_id;
  for (const auto& a : node.advertised) bopts.advertised.push_back({a.name, a.host, a.port});
  bopts.controller_listeners = node.controller_listener_names;
  bopts.log_dirs = node.log_dirs;
  broker::Broker broker(shards, bopts, ctrl);

  // The KRaft quorum member: a voter when this node is a controller, else an observer.
  broker::RaftService::Options ropts;
  ropts.config.node_id = node.node_id;
  ropts.config.cluster_id = *cluster_id;
  for (const auto& v : node.voters) {
    ropts.config.voters.push_back(v.id);
    ropts.voters.push_back({v.id, v.host, v.port});
  }
  ropts.config.election_timeout_ms = config.get_long("controller.quorum.election.timeout.ms");
  ropts.config.fetch_timeout_ms = config.get_long("controller.quorum.fetch.timeout.ms");
  ropts.config.election_backoff_max_ms = config.get_long("controller.quorum.election.backoff.max.ms");
  ropts.config.request_timeout_ms = config.get_long("controller.quorum.request.timeout.ms");
  ropts.config.retry_backoff_ms = config.get_long("controller.quorum.retry.backoff.ms");
  ropts.config.snapshot_every_bytes = config.get_long("metadata.log.max.record.bytes.between.snapshots");
  ropts.metadata_dir = node.metadata_dir;
  ropts.on_progress = [&broker] { broker.on_quorum_progress(); };
  // Set once the stop sequence exists below; the raft tick loop runs only after that.
  std::function<void(const Error&)> fatal_stop;
  ropts.on_fatal = [&fatal_stop](const Error& e) {
    if (fatal_stop) fatal_stop(e);
  };
  broker::RaftService raft(shards.context(0).get_executor(), ropts, state_machine);
  std::vector<broker::VoterEndpoint> voter_endpoints;
  for (const auto& v : node.voters) voter_endpoints.push_back({v.id, v.host, v.port});
  broker.attach_quorum(&raft, &state_machine, voter_endpoints);
  broker::BrokerLifecycle lifecycle(broker);

  // Bind every listener on every shard before starting, so a bad address fails the start.
  std::vector<std::vector<std::unique_ptr<net::Listener>>> listeners(shards.size());
  for (const auto& spec : node.listeners) {
    uint16_t port = spec.port;
    for (size_t s = 0; s < shards.size(); ++s) {
      auto l = net::Listener::bind(shards.context(s), spec.host, port, spec.name, s == 0);
      if (!l.ok()) {
        GLOG_ERROR("{}", l.error().message);
        return 1;
      }
      port = (*l)->port();  // an ephemeral port 0 resolves on the first bind
      listeners[s].push_back(std::move(*l));
    }
  }

  // Network bounds: request memory and connection limits apply to the client (broker)
  // listeners; the controller listeners (quorum and broker heartbeats) are never starved by them.
  net::ConnectionOptions conn_options;
  conn_options.max_request_bytes = int32_t(config.get_long("socket.request.max.bytes"));
  conn_options.idle_ms = config.get_long("connections.max.idle.ms");
  net::RequestMemory request_memory(config.get_long("queued.max.request.bytes"));
  net::ConnectionQuota::Limits quota_limits;
  quota_limits.max_connections = config.get_long("max.connections");
  quota_limits.max_per_ip = config.get_long("max.connections.per.ip");
  for (const auto& entry : metadata::parse_list(config.get("max.connections.per.ip.overrides"))) {
    size_t colon = entry.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      GLOG_ERROR("Invalid value {} in max.connections.per.ip.overrides: expected host:count", entry);
      return 1;
    }
    quota_limits.per_ip_overrides[entry.substr(0, colon)] = std::strtoll(entry.c_str() + colon + 1, nullptr, 10);
  }
  net::ConnectionQuota quota(quota_limits);
  std::atomic<bool> stopping{false};
  int exit_code = 0;

  asio::co_spawn(
      shards.context(0),
      [&]() -> asio::awaitable<void> {
        int64_t t0 = mono_ms();
        auto st = co_await broker.start();
        if (st.ok()) st = raft.open();
        if (!st.ok()) {
          GLOG_ERROR("start failed: {}", st.error().message);
          exit_code = 1;
          shards.stop();
          co_return;
        }
        raft.start();
        auto handler = [&broker](SharedSlice frame, const net::ConnectionInfo& info) {
          return broker.handle(std::move(frame), info);
        };
        // Controller listeners accept at once (the quorum and broker registration need them);
        // broker listeners once this broker is unfenced, so clients never see it half started.
        auto is_controller_listener = [&node](size_t k) {
          const auto& names = node.controller_listener_names;
          return std::find(names.begin(), names.end(), node.listeners[k].name) != names.end();
        };
        net::ConnectionOptions client_options = conn_options;
        client_options.memory = &request_memory;
        auto accept = [&, handler, is_controller_listener, client_options](bool controller_side) {
          for (size_t s = 0; s < shards.size(); ++s)
            shards.post(s, [&, s, handler, controller_side, is_controller_listener, client_options] {
              for (size_t k = 0; k < listeners[s].size(); ++k)
                if (is_controller_listener(k) == controller_side)
                  asio::co_spawn(shards.context(s),
                                 controller_side ? listeners[s][k]->run(conn_options, nullptr, handler)
                                                 : listeners[s][k]->run(client_options, &quota, handler),
                                 [](std::exception_ptr e) { log_exception(e, "listener"); });
            });
        };
        accept(true);
        for (size_t s = 0; s < shards.size(); ++s) {
          shards.post(s, [&, s] {
            asio::co_spawn(shards.context(s), housekeeping_loop(broker, stopping),
                           [](std::exception_ptr e) { log_exception(e, "housekeeping"); });
            asio::co_spawn(shards.context(s), group_timer_loop(broker, stopping),
                           [](std::exception_ptr e) { log_exception(e, "group timers"); });
            asio::co_spawn(shards.context(s), replication_timer_loop(broker, stopping),
                           [](std::exception_ptr e) { log_exception(e, "replication timers"); });
          });
        }
        asio::co_spawn(shards.context(0), broker.controller_timer_loop(stopping),
                       [](std::exception_ptr e) { log_exception(e, "controller timers"); });
        if (node.broker) {
          asio::co_spawn(shards.context(0), lifecycle.run(), [](std::exception_ptr e) { log_exception(e, "broker lifecycle"); });
          // Serve as a broker once the controller knows this one (a cluster waits for its quorum).
          if (!co_await lifecycle.wait_unfenced(60000))
            GLOG_WARN("broker {} is not yet unfenced by a controller; serving anyway", node.node_id);
        }
        accept(false);
        std::string where;
        for (const auto& l : node.listeners) where += fmt::format(" {}://{}:{}", l.name, l.host, listeners[0][&l - &node.listeners[0]]->port());
        GLOG_INFO("gregor node {} serving on{} ({} shard(s), cluster.id {}, started in {} ms)", node.node_id, where,
                  shards.size(), *cluster_id, mono_ms() - t0);
      },
      [](std::exception_ptr e) { log_exception(e, "start"); });

  // The orderly stop: on the first SIGTERM/SIGINT, or when the quorum member hits a fatal error.
  auto shut_down = [&]() {
    asio::co_spawn(
        shards.context(0),
        [&]() -> asio::awaitable<void> {
          // Controlled shutdown: leaderships move to other brokers before this one goes.
          if (node.broker && config.get_bool("controlled.shutdown.enable")) {
            bool others = false;
            for (const auto& [id, b] : broker.local().image->brokers) others |= id != node.node_id && b.active();
            if (others) co_await lifecycle.controlled_shutdown(15000);
          }
          lifecycle.stop();
          for (size_t s = 0; s < shards.size(); ++s)
            co_await shards.invoke_on(s, [&, s] {
              for (auto& l : listeners[s]) l->close();
              return true;
            });
          co_await broker.stop();
          co_await raft.stop();
          GLOG_INFO("shutdown complete");
          shards.stop();
        },
        [&](std::exception_ptr e) {
          log_exception(e, "shutdown");
          shards.stop();
        });
  };
  fatal_stop = [&](const Error& e) {
    exit_code = 1;
    if (stopping.exchange(true)) return;
    GLOG_ERROR("node {} stops: {}", node.node_id, e.message);
    shut_down();
  };

  // Signals: the first SIGTERM/SIGINT shuts down cleanly, a second SIGINT exits at once.
  asio::signal_set signals(shards.context(0), SIGINT, SIGTERM);
  std::function<void(const std::error_code&, int)> on_signal = [&](const std::error_code& ec, int sig) {
    if (ec) return;
    if (stopping.exchange(true)) {
      if (sig == SIGINT) {
        GLOG_WARN("second SIGINT: exiting now");
        std::fflush(nullptr);
        ::_exit(130);
      }
      signals.async_wait(on_signal);
      return;
    }
    GLOG_INFO("{} received: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    signals.async_wait(on_signal);
    shut_down();
  };
  signals.async_wait(on_signal);

  shards.run();
  return exit_code;
}

}  // namespace gregor::server
