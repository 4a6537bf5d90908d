#include "net/client.h"

#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <fmt/format.h>

#include <array>

#include "base/log.h"

namespace gregor::net {

namespace {
constexpr int16_t kNetworkException = 13, kRequestTimedOut = 7;

// Waits until the timer is cancelled or expires; true when cancelled (woken on purpose).
asio::awaitable<bool> wait_woken(asio::steady_timer& t) {
  std::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return ec == asio::error::operation_aborted;
}
}  // namespace

std::shared_ptr<Client> Client::make(asio::any_io_executor ex, Options options) {
  return std::shared_ptr<Client>(new Client(std::move(ex), std::move(options)));
}

Client::Client(asio::any_io_executor ex, Options options)
    : ex_(ex), options_(std::move(options)), socket_(ex) {}

Client::~Client() {
  std::error_code ec;
  socket_.close(ec);
}

void Client::fail_all(const Error& error) {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [corr, p] : pending) {
    p->result = Result<SharedSlice>(error);
    p->signal->cancel();
  }
}

void Client::close() {
  ++generation_;
  if (connected_ || connecting_) {
    std::error_code ec;
    socket_.close(ec);
  }
  connected_ = false;
  fail_all(make_error(kNetworkException, fmt::format("connection to {}:{} closed", options_.host, options_.port)));
}

asio::awaitable<Status> Client::ensure_connected() {
  while (connecting_) {
    auto t = std::make_unique<asio::steady_timer>(ex_, std::chrono::milliseconds(options_.connect_timeout_ms + 1000));
    auto* raw = t.get();
    connect_waiters_.push_back(std::move(t));
    co_await wait_woken(*raw);
    std::erase_if(connect_waiters_, [raw](const auto& w) { return w.get() == raw; });
  }
  if (connected_) co_return Status::OK();
  connecting_ = true;
  uint64_t generation = ++generation_;
  socket_ = asio::ip::tcp::socket(ex_);
  std::error_code ec;
  asio::ip::tcp::resolver resolver(ex_);
  auto endpoints = co_await resolver.async_resolve(options_.host, std::to_string(options_.port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
  Status result = Status::OK();
  if (ec) {
    result = make_error(kNetworkException, fmt::format("cannot resolve {}: {}", options_.host, ec.message()));
  } else {
    // The deadline closes the socket, which ends the pending connect with an error.
    auto timed_out = std::make_shared<bool>(false);
    asio::steady_timer deadline(ex_, std::chrono::milliseconds(options_.connect_timeout_ms));
    deadline.async_wait([this, timed_out, generation](std::error_code wait_ec) {
      if (wait_ec || generation != generation_) return;
      *timed_out = true;
      std::error_code ignored;
      socket_.close(ignored);
    });
    co_await asio::async_connect(socket_, endpoints, asio::redirect_error(asio::use_awaitable, ec));
    deadline.cancel();
    if (*timed_out) {
      result = make_error(kNetworkException, fmt::format("connect to {}:{} timed out after {} ms", options_.host,
                                                         options_.port, options_.connect_timeout_ms));
    } else if (ec) {
      result = make_error(kNetworkException, fmt::format("cannot connect to {}:{}: {}", options_.host, options_.port,
                                                         ec.message()));
    } else if (generation != generation_) {
      result = make_error(kNetworkException, "connection closed while connecting");
    }
  }
  connecting_ = false;
  if (result.ok()) {
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    connected_ = true;
    asio::co_spawn(ex_, read_loop(shared_from_this(), generation_), asio::detached);
  } else {
    socket_.close(ec);
  }
  for (auto& w : connect_waiters_) w->cancel();
  co_return result;
}

asio::awaitable<Status> Client::write_frame(Bytes frame) {
  while (writing_) {
    auto t = std::make_unique<asio::steady_timer>(ex_, std::chrono::hours(1));
    auto* raw = t.get();
    write_waiters_.push_back(std::move(t));
    co_await wait_woken(*raw);
    std::erase_if(write_waiters_, [raw](const auto& w) { return w.get() == raw; });
  }
  if (!connected_) co_return make_error(kNetworkException, "not connected");
  writing_ = true;
  uint8_t size[4];
  store_be32(size, uint32_t(frame.size()));
  std::array<asio::const_buffer, 2> bufs{asio::buffer(size), asio::buffer(frame)};
  std::error_code ec;
  co_await asio::async_write(socket_, bufs, asio::redirect_error(asio::use_awaitable, ec));
  writing_ = false;
  if (!write_waiters_.empty()) write_waiters_.front()->cancel();
  if (ec)
    co_return make_error(kNetworkException, fmt::format("write to {}:{} failed: {}", options_.host, options_.port,
                                                        ec.message()));
  co_return Status::OK();
}

asio::awaitable<Result<SharedSlice>> Client::call(Bytes frame, int32_t timeout_ms) {
  GREGOR_ASSERT(frame.size() >= 8);
  if (auto st = co_await ensure_connected(); !st.ok()) co_return st.error();
  int32_t corr = next_correlation_;
  next_correlation_ = next_correlation_ == INT32_MAX ? 1 : next_correlation_ + 1;
  store_be32(frame.data() + 4, uint32_t(corr));
  auto p = std::make_shared<Pending>();
  p->signal = std::make_unique<asio::steady_timer>(ex_, std::chrono::milliseconds(timeout_ms));
  pending_[corr] = p;
  if (auto st = co_await write_frame(std::move(frame)); !st.ok()) {
    if (!p->result) {
      pending_.erase(corr);
      close();
      co_return st.error();
    }
  }
  if (!p->result) co_await wait_woken(*p->signal);
  if (p->result) co_return std::move(*p->result);
  pending_.erase(corr);
  close();
  co_return make_error(kRequestTimedOut, fmt::format("no response from {}:{} within {} ms", options_.host,
                                                     options_.port, timeout_ms));
}

asio::awaitable<Status> Client::send(Bytes frame) {
  GREGOR_ASSERT(frame.size() >= 8);
  if (auto st = co_await ensure_connected(); !st.ok()) co_return st;
  int32_t corr = next_correlation_;
  next_correlation_ = next_correlation_ == INT32_MAX ? 1 : next_correlation_ + 1;
  store_be32(frame.data() + 4, uint32_t(corr));
  co_return co_await write_frame(std::move(frame));
}

asio::awaitable<void> Client::read_loop(std::shared_ptr<Client> self, uint64_t generation) {
  (void)self;  // keeps the client alive while the loop runs
  std::error_code ec;
  std::string why;
  while (generation == generation_) {
    uint8_t size_buf[4];
    co_await asio::async_read(socket_, asio::buffer(size_buf), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) { why = ec.message(); break; }
    int32_t size = int32_t(load_be32(size_buf));
    if (size < 4 || size > options_.max_response_bytes) {
      why = fmt::format("bad response size {}", size);
      break;
    }
    auto buf = std::make_shared<Bytes>(size_t(size));
    co_await asio::async_read(socket_, asio::buffer(*buf), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) { why = ec.message(); break; }
    int32_t corr = int32_t(load_be32(buf->data()));
    auto it = pending_.find(corr);
    if (it == pending_.end()) continue;  // its caller timed out and left
    auto p = it->second;
    pending_.erase(it);
    p->result = Result<SharedSlice>(SharedSlice(std::shared_ptr<const Bytes>(buf), 4, size_t(size) - 4));
    p->signal->cancel();
  }
  if (generation != generation_) co_return;  // closed on purpose, or already reconnected
  GLOG_DEBUG("connection to {}:{} lost: {}", options_.host, options_.port, why);
  std::error_code ignored;
  socket_.close(ignored);
  connected_ = false;
  ++generation_;
  fail_all(make_error(kNetworkException, fmt::format("connection to {}:{} lost: {}", options_.host, options_.port, why)));
}

}  // namespace gregor::net
