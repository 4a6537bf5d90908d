#include "net/connection.h"

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <vector>

#include "base/clock.h"
#include "base/log.h"

namespace gregor::net {

namespace {

asio::awaitable<bool> send_file(asio::ip::tcp::socket& socket, const io::FileSlice& slice) {
  off_t pos = off_t(slice.position);
  size_t left = slice.size;
  while (left > 0) {
    ssize_t n = ::sendfile(socket.native_handle(), slice.file->fd(), &pos, left);
    if (n > 0) {
      left -= size_t(n);
      continue;
    }
    if (n == 0) {
      // The file is shorter than the slice (truncated underneath us): the frame cannot be
      // completed, so the connection must go.
      GLOG_WARN("sendfile: {} ended early; closing connection", slice.file->path().string());
      co_return false;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      std::error_code ec;
      co_await socket.async_wait(asio::ip::tcp::socket::wait_write, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return false;
      continue;
    }
    co_return false;
  }
  co_return true;
}

}  // namespace

asio::awaitable<bool> write_chunks(asio::ip::tcp::socket& socket, const io::OutChunks& chunks) {
  std::vector<asio::const_buffer> pending;
  std::error_code ec;
  for (const auto& chunk : chunks) {
    if (auto* b = std::get_if<Bytes>(&chunk)) {
      if (!b->empty()) pending.emplace_back(b->data(), b->size());
    } else if (auto* s = std::get_if<SharedSlice>(&chunk)) {
      if (!s->empty()) pending.emplace_back(s->data(), s->size());
    } else {
      const auto& f = std::get<io::FileSlice>(chunk);
      if (!pending.empty()) {
        co_await asio::async_write(socket, pending, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return false;
        pending.clear();
      }
      if (f.size > 0 && !co_await send_file(socket, f)) co_return false;
    }
  }
  if (!pending.empty()) {
    co_await asio::async_write(socket, pending, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
  }
  co_return true;
}

namespace {

// Waits (without spinning: backing off up to 20 ms) until the node's request memory grants n
// more bytes. Gives up after kMemoryWaitMs (the connection then closes, freeing what it holds):
// requests only partly read could otherwise hold all the memory and wait for each other.
constexpr int64_t kMemoryWaitMs = 30000;

// True once the peer has closed its side and nothing is left to read (a waiting connection
// then gives its memory back at once rather than at the deadline).
bool peer_closed(asio::ip::tcp::socket& socket) {
  uint8_t byte;
  ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

asio::awaitable<bool> reserve_memory(asio::ip::tcp::socket& socket, RequestMemory& memory, int64_t n) {
  if (memory.try_reserve(n)) co_return true;
  asio::steady_timer timer(socket.get_executor());
  const int64_t deadline = mono_ms() + kMemoryWaitMs;
  int delay_ms = 1;
  while (!memory.try_reserve(n)) {
    if (mono_ms() >= deadline || !socket.is_open() || peer_closed(socket)) co_return false;
    timer.expires_after(std::chrono::milliseconds(delay_ms));
    std::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    delay_ms = std::min(delay_ms * 2, 20);
  }
  co_return true;
}

// Reads exactly size bytes into a buffer that grows as they arrive (doubling from 64 KiB), so a
// frame announced but never sent costs no memory; each growth is first reserved from memory
// (if any), and *reserved counts what this request holds.
asio::awaitable<std::shared_ptr<Bytes>> read_body(asio::ip::tcp::socket& socket, size_t size, RequestMemory* memory,
                                                  int64_t* reserved, std::error_code& ec) {
  constexpr size_t kFirstChunk = 64 * 1024;
  auto body = std::make_shared<Bytes>();
  size_t got = 0;
  while (got < size) {
    size_t target = std::min(size, std::max(kFirstChunk, got * 2));
    if (memory) {
      if (!co_await reserve_memory(socket, *memory, int64_t(target) - *reserved)) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        co_return body;
      }
      *reserved = int64_t(target);
    }
    body->resize(target);
    co_await asio::async_read(socket, asio::buffer(body->data() + got, target - got),
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return body;
    got = target;
  }
  co_return body;
}

// Closes the socket of a connection that has had no request for idle_ms; stops when done.
struct IdleState {
  explicit IdleState(asio::any_io_executor ex) : timer(ex) {}
  asio::steady_timer timer;
  int64_t last_active_ms = 0;
  bool busy = false;  // a request is being handled or answered (a stalled body read is idle)
  bool done = false;  // the connection ended: the watcher must not touch the socket
};

asio::awaitable<void> idle_watch(asio::ip::tcp::socket& socket, std::shared_ptr<IdleState> st, int64_t idle_ms,
                                 std::string peer) {
  auto& timer = st->timer;
  while (!st->done) {
    int64_t left = st->last_active_ms + idle_ms - mono_ms();
    if (!st->busy && left <= 0) {
      GLOG_INFO("closing connection from {}: idle for {} ms (connections.max.idle.ms)", peer, idle_ms);
      std::error_code ec;
      socket.cancel(ec);
      socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      co_return;
    }
    timer.expires_after(std::chrono::milliseconds(std::max<int64_t>(left, 50)));
    std::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace

asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, ConnectionInfo info, ConnectionOptions options,
                                       FrameHandler handler) {
  socket.set_option(asio::ip::tcp::no_delay(true));
  socket.non_blocking(true);
  std::error_code ec;
  auto idle = std::make_shared<IdleState>(socket.get_executor());
  idle->last_active_ms = mono_ms();
  if (options.idle_ms > 0) {
    // The watcher runs on this connection's shard and holds the socket by reference: it
    // touches it only while done is false, and done is set (and its timer cancelled) before
    // the socket goes away.
    asio::co_spawn(socket.get_executor(), idle_watch(socket, idle, options.idle_ms, info.peer), asio::detached);
  }
  for (;;) {
    uint8_t size_buf[4];
    co_await asio::async_read(socket, asio::buffer(size_buf), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;  // peer closed between requests (or idle): normal
    idle->last_active_ms = mono_ms();
    int32_t size = int32_t(load_be32(size_buf));
    if (size <= 0 || size > options.max_request_bytes) {
      GLOG_WARN("closing connection from {}: request size {} is outside 1..{} (socket.request.max.bytes)", info.peer,
                size, options.max_request_bytes);
      break;
    }
    struct Release {
      RequestMemory* memory;
      int64_t n = 0;
      ~Release() {
        if (memory && n > 0) memory->release(n);
      }
    } release{options.memory};
    auto body = co_await read_body(socket, size_t(size), options.memory, &release.n, ec);
    if (ec == std::errc::not_enough_memory) {
      if (!peer_closed(socket))
        GLOG_WARN("closing connection from {}: no request memory for {} s (queued.max.request.bytes {} in use)",
                  info.peer, kMemoryWaitMs / 1000, options.memory->in_use());
      break;
    }
    if (ec) {
      GLOG_WARN("closing connection from {}: it closed in the middle of a {}-byte request", info.peer, size);
      break;
    }
    idle->busy = true;
    SharedSlice frame(std::shared_ptr<const Bytes>(body), 0, body->size());
    HandlerResult result = co_await handler(std::move(frame), info);
    body.reset();
    if (result.kind == HandlerResult::Kind::kClose) break;
    if (result.kind != HandlerResult::Kind::kNoResponse) {
      size_t total = 0;
      for (const auto& c : result.response) total += io::chunk_size(c);
      Bytes prefix(4);
      store_be32(prefix.data(), uint32_t(total));
      result.response.insert(result.response.begin(), std::move(prefix));
      if (!co_await write_chunks(socket, result.response)) break;
    }
    idle->busy = false;
    idle->last_active_ms = mono_ms();
  }
  idle->done = true;
  idle->timer.cancel();
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace gregor::net
