#include "net/listener.h"

#include <sys/socket.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "base/clock.h"
#include "base/log.h"

namespace gregor::net {

namespace {
std::atomic<uint64_t> g_next_connection_id{1};
}

Result<std::unique_ptr<Listener>> Listener::bind(asio::io_context& ctx, const std::string& host, uint16_t port,
                                                 std::string name, bool first) {
  std::error_code ec;
  asio::ip::address addr;
  if (host.empty() || host == "0.0.0.0") {
    addr = asio::ip::address_v4::any();
  } else {
    addr = asio::ip::make_address(host, ec);
    if (ec) {
      asio::ip::tcp::resolver resolver(ctx);
      auto results = resolver.resolve(host, std::to_string(port), ec);
      if (ec || results.empty()) return make_error(-1, fmt::format("cannot resolve listener host '{}'", host));
      addr = results.begin()->endpoint().address();
    }
  }
  asio::ip::tcp::endpoint ep(addr, port);
  if (first && port != 0) {
    // SO_REUSEPORT would let this process share a port another process listens on (and split
    // its clients between the two); a plain bind first fails as Kafka's would.
    asio::ip::tcp::acceptor probe(ctx);
    probe.open(ep.protocol(), ec);
    if (!ec) probe.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
    if (!ec) probe.bind(ep, ec);
    if (ec) return make_error(-1, fmt::format("cannot listen on {}:{} ({}): {}", host, port, name, ec.message()));
    probe.close(ec);
    ec.clear();
  }
  asio::ip::tcp::acceptor acceptor(ctx);
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) {
    int one = 1;
    if (::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0)
      ec = std::error_code(errno, std::system_category());
  }
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error(-1, fmt::format("cannot listen on {}:{} ({}): {}", host, port, name, ec.message()));
  return std::unique_ptr<Listener>(new Listener(std::move(acceptor), std::move(name)));
}

uint16_t Listener::port() const {
  std::error_code ec;
  auto ep = acceptor_.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void Listener::close() {
  std::error_code ec;
  acceptor_.close(ec);
}

asio::awaitable<void> Listener::run(ConnectionOptions options, ConnectionQuota* quota, FrameHandler handler) {
  asio::steady_timer pause(acceptor_.get_executor());
  auto sleep_ms = [&](int64_t ms) -> asio::awaitable<void> {
    pause.expires_after(std::chrono::milliseconds(ms));
    std::error_code ec;
    co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  };
  int64_t backoff_ms = 0;
  int64_t last_report_ms = -1;
  uint64_t unreported = 0;
  int64_t last_full_report_ms = -1;
  for (;;) {
    if (quota && !quota->has_room()) {
      // max.connections: leave new clients in the backlog until a connection ends.
      if (int64_t now = mono_ms(); last_full_report_ms < 0 || now - last_full_report_ms >= 10000) {
        GLOG_WARN("{}: {} connections open (max.connections); not accepting until one closes", name_, quota->total());
        last_full_report_ms = now;
      }
      co_await sleep_ms(50);
      if (!acceptor_.is_open()) co_return;
      continue;
    }
    std::error_code ec;
    asio::ip::tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      // Out of descriptors (EMFILE/ENFILE) or memory: retrying at once spins. Back off and
      // report once per interval.
      ++unreported;
      int64_t now = mono_ms();
      if (last_report_ms < 0 || now - last_report_ms >= 10000) {
        GLOG_WARN("accept on {} failed: {} ({} failure(s) in the last interval); backing off", name_, ec.message(),
                  unreported);
        last_report_ms = now;
        unreported = 0;
      }
      backoff_ms = std::clamp<int64_t>(backoff_ms * 2, 10, 1000);
      co_await sleep_ms(backoff_ms);
      if (!acceptor_.is_open()) co_return;
      continue;
    }
    backoff_ms = 0;
    ConnectionInfo info;
    info.id = g_next_connection_id.fetch_add(1);
    info.listener_name = name_;
    auto rep = socket.remote_endpoint(ec);
    std::string ip = ec ? "?" : rep.address().to_string();
    info.peer = ec ? "?" : fmt::format("{}:{}", ip, rep.port());
    if (quota && !quota->admit(ip)) {
      GLOG_INFO("closing connection from {}: max.connections.per.ip reached for {}", info.peer, ip);
      socket.close(ec);
      continue;
    }
    asio::co_spawn(acceptor_.get_executor(), serve_connection(std::move(socket), info, options, handler),
                   [peer = info.peer, ip, quota](std::exception_ptr e) {
                     if (quota) quota->release(ip);
                     if (!e) return;
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       GLOG_ERROR("connection from {} ended by an internal error: {}", peer, ex.what());
                     }
                   });
  }
}

}  // namespace gregor::net
