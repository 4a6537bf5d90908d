#include "net/connection.h"

#include <sys/sendfile.h>

#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <cerrno>
#include <vector>

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

asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, ConnectionInfo info, int32_t max_request_bytes,
                                       FrameHandler handler) {
  socket.set_option(asio::ip::tcp::no_delay(true));
  socket.non_blocking(true);
  std::error_code ec;
  for (;;) {
    uint8_t size_buf[4];
    co_await asio::async_read(socket, asio::buffer(size_buf), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;  // peer closed between requests: normal
    int32_t size = int32_t(load_be32(size_buf));
    if (size <= 0 || size > max_request_bytes) {
      GLOG_WARN("closing connection from {}: request size {} is outside 1..{} (socket.request.max.bytes)", info.peer,
                size, max_request_bytes);
      break;
    }
    auto body = std::make_shared<Bytes>(size_t(size));
    co_await asio::async_read(socket, asio::buffer(*body), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      GLOG_WARN("closing connection from {}: it closed in the middle of a {}-byte request", info.peer, size);
      break;
    }
    SharedSlice frame(std::shared_ptr<const Bytes>(body), 0, body->size());
    HandlerResult result = co_await handler(frame, info);
    if (result.kind == HandlerResult::Kind::kClose) break;
    if (result.kind == HandlerResult::Kind::kNoResponse) continue;
    size_t total = 0;
    for (const auto& c : result.response) total += io::chunk_size(c);
    Bytes prefix(4);
    store_be32(prefix.data(), uint32_t(total));
    result.response.insert(result.response.begin(), std::move(prefix));
    if (!co_await write_chunks(socket, result.response)) break;
  }
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace gregor::net
