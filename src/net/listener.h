// Listener: accepts TCP connections on host:port for one shard and serves each with
// serve_connection on that shard. Every shard binds the same address with SO_REUSEPORT, so the
// kernel spreads connections over shards. bind() reports an unusable address as an error.
// Accept errors (out of file descriptors, ...) back off (10 ms doubling to 1 s) and are logged
// once per 10 s with a count; connections over max.connections.per.ip are closed at once, and
// at max.connections the listener stops accepting until a connection ends (ConnectionQuota).
// Thread-safety: owned by one shard.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include <atomic>
#include <memory>
#include <string>

#include "base/result.h"
#include "net/connection.h"
#include "net/connection_quota.h"

namespace gregor::net {

class Listener {
 public:
  // Binds host:port with SO_REUSEPORT (one listener per shard shares the port). `first`: the
  // first listener of this address in this process, which also checks that no other process
  // listens there (EADDRINUSE, as a plain bind reports it).
  static Result<std::unique_ptr<Listener>> bind(asio::io_context& ctx, const std::string& host, uint16_t port,
                                                std::string name, bool first = true);
  // Accepts until close(); each connection is served by its own coroutine. quota may be null
  // (no limits).
  asio::awaitable<void> run(ConnectionOptions options, ConnectionQuota* quota, FrameHandler handler);
  void close();
  uint16_t port() const;
  const std::string& name() const { return name_; }

 private:
  Listener(asio::ip::tcp::acceptor acceptor, std::string name)
      : acceptor_(std::move(acceptor)), name_(std::move(name)) {}
  asio::ip::tcp::acceptor acceptor_;
  std::string name_;
};

}  // namespace gregor::net
