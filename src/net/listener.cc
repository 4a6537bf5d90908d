#include "net/listener.h"

#include <sys/socket.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <fmt/format.h>

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

asio::awaitable<void> Listener::run(int32_t max_request_bytes, FrameHandler handler) {
  for (;;) {
    std::error_code ec;
    asio::ip::tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      GLOG_WARN("accept on {} failed: {}", name_, ec.message());
      continue;
    }
    ConnectionInfo info;
    info.id = g_next_connection_id.fetch_add(1);
    info.listener_name = name_;
    auto rep = socket.remote_endpoint(ec);
    info.peer = ec ? "?" : fmt::format("{}:{}", rep.address().to_string(), rep.port());
    asio::co_spawn(acceptor_.get_executor(),
                   serve_connection(std::move(socket), info, max_request_bytes, handler),
                   [peer = info.peer](std::exception_ptr e) {
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
