#include "net/client.h"

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include <vector>

namespace gregor::net {
namespace {

using asio::ip::tcp;

// A server that reads `batch` frames, then answers them in reverse order (so pipelined
// responses arrive out of request order); body of each answer = the request's last byte.
// With answer=false it reads and never answers; with close_after it closes after one frame.
asio::awaitable<void> serve(tcp::acceptor& acceptor, int batch, bool answer, bool close_after) {
  auto sock = co_await acceptor.async_accept(asio::use_awaitable);
  std::error_code ec;
  for (;;) {
    std::vector<Bytes> frames;
    for (int i = 0; i < batch; ++i) {
      uint8_t sz[4];
      co_await asio::async_read(sock, asio::buffer(sz), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      Bytes f(load_be32(sz));
      co_await asio::async_read(sock, asio::buffer(f), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      frames.push_back(std::move(f));
      if (close_after) co_return;
    }
    if (!answer) continue;
    for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
      Bytes out;
      append_be32(out, 5);
      append_bytes(out, it->data() + 4, 4);  // correlation id
      out.push_back(it->back());
      co_await asio::async_write(sock, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
  }
}

Bytes request_with(uint8_t tag) {
  Bytes b(8, 0);
  b.push_back(tag);
  return b;
}

struct Fixture {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::shared_ptr<Client> client = Client::make(
      io.get_executor(), Client::Options{"127.0.0.1", acceptor.local_endpoint().port(), 2000, 1 << 20});
};

TEST(ClientTest, PipelinedResponsesFindTheirCallers) {
  Fixture f;
  asio::co_spawn(f.io, serve(f.acceptor, 3, true, false), asio::detached);
  std::vector<int> got(3, -1);
  int done = 0;
  for (int i = 0; i < 3; ++i) {
    asio::co_spawn(f.io, [&, i]() -> asio::awaitable<void> {
      auto r = co_await f.client->call(request_with(uint8_t(10 + i)), 2000);
      if (r.ok() && r->size() == 1) got[size_t(i)] = r->data()[0];
      if (++done == 3) f.io.stop();
    }, asio::detached);
  }
  f.io.run_for(std::chrono::seconds(5));
  EXPECT_EQ(got, (std::vector<int>{10, 11, 12}));
}

TEST(ClientTest, UnansweredRequestTimesOut) {
  Fixture f;
  asio::co_spawn(f.io, serve(f.acceptor, 1, false, false), asio::detached);
  int16_t code = 0;
  asio::co_spawn(f.io, [&]() -> asio::awaitable<void> {
    auto r = co_await f.client->call(request_with(1), 200);
    if (!r.ok()) code = r.error().code;
    f.client->close();
    f.io.stop();
  }, asio::detached);
  f.io.run_for(std::chrono::seconds(3));
  EXPECT_EQ(code, 7);
}

TEST(ClientTest, PeerCloseFailsTheCallWithNetworkException) {
  Fixture f;
  asio::co_spawn(f.io, serve(f.acceptor, 1, true, true), asio::detached);
  int16_t code = 0;
  asio::co_spawn(f.io, [&]() -> asio::awaitable<void> {
    auto r = co_await f.client->call(request_with(1), 2000);
    if (!r.ok()) code = r.error().code;
    f.io.stop();
  }, asio::detached);
  f.io.run_for(std::chrono::seconds(3));
  EXPECT_EQ(code, 13);
}

TEST(ClientTest, ConnectionRefusedIsNetworkExceptionAndLaterCallsReconnect) {
  Fixture f;
  uint16_t port = f.acceptor.local_endpoint().port();
  f.acceptor.close();
  auto client = Client::make(f.io.get_executor(), Client::Options{"127.0.0.1", port, 1000, 1 << 20});
  int16_t first = 0;
  int second = -1;
  tcp::acceptor again(f.io);
  asio::co_spawn(f.io, [&]() -> asio::awaitable<void> {
    auto r = co_await client->call(request_with(1), 1000);
    if (!r.ok()) first = r.error().code;
    again.open(tcp::v4());
    again.set_option(tcp::acceptor::reuse_address(true));
    again.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    again.listen();
    asio::co_spawn(f.io, serve(again, 1, true, false), asio::detached);
    auto r2 = co_await client->call(request_with(42), 1000);
    if (r2.ok() && r2->size() == 1) second = r2->data()[0];
    client->close();
    f.io.stop();
  }, asio::detached);
  f.io.run_for(std::chrono::seconds(5));
  EXPECT_EQ(first, 13);
  EXPECT_EQ(second, 42);
}

}  // namespace
}  // namespace gregor::net
