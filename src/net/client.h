// Client: one outbound Kafka-framed TCP connection to another node (replica fetchers, Raft,
// broker-to-controller traffic). Requests are pipelined: each call writes its frame (4-byte
// size prefix added here) and waits for the response with the same correlation id, which the
// client assigns by overwriting bytes 4..8 of the request (where every Kafka request header
// keeps it). The response comes back without its size prefix and without the 4-byte
// correlation id; the caller decodes the rest of the response header (tagged fields in
// flexible versions) and the body. No message types live here.
//
// The connection is made on the first request and again on the next request after it failed.
// A failure (connect error or timeout, peer closed, a response over max_response_bytes)
// fails every request in flight with NETWORK_EXCEPTION (13); a request without an answer
// within its timeout fails with REQUEST_TIMED_OUT (7) and closes the connection (its answer
// could otherwise arrive out of turn).
// Thread-safety: a Client lives on one shard; call it only from coroutines on that shard.
// REQUIRES: hold it by shared_ptr (its reader coroutine keeps it alive); call close() to end it.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <memory>
#include <string>

#include "base/bytes.h"
#include "base/result.h"

namespace gregor::net {

class Client : public std::enable_shared_from_this<Client> {
 public:
  struct Options {
    std::string host;
    uint16_t port = 0;
    int32_t connect_timeout_ms = 5000;
    int32_t max_response_bytes = 128 << 20;
  };

  static std::shared_ptr<Client> make(asio::any_io_executor ex, Options options);
  ~Client();

  // Sends one request (header and body, no size prefix) and returns the response after its
  // correlation id. REQUIRES: frame holds at least the 8 bytes of api key, version, correlation id.
  asio::awaitable<Result<SharedSlice>> call(Bytes frame, int32_t timeout_ms);
  // Sends a request that gets no response (Produce with acks=0).
  asio::awaitable<Status> send(Bytes frame);

  // Closes the connection and fails what is in flight; later calls reconnect.
  void close();
  bool connected() const { return connected_; }
  const Options& options() const { return options_; }

 private:
  struct Pending {
    std::unique_ptr<asio::steady_timer> signal;
    std::optional<Result<SharedSlice>> result;
  };

  Client(asio::any_io_executor ex, Options options);
  asio::awaitable<Status> ensure_connected();
  asio::awaitable<Status> write_frame(Bytes frame);
  asio::awaitable<void> read_loop(std::shared_ptr<Client> self, uint64_t generation);
  void fail_all(const Error& error);

  asio::any_io_executor ex_;
  Options options_;
  asio::ip::tcp::socket socket_;
  bool connected_ = false;
  bool connecting_ = false;
  bool writing_ = false;
  uint64_t generation_ = 0;  // bumps on every (re)connect, so an old reader stops quietly
  int32_t next_correlation_ = 1;
  std::map<int32_t, std::shared_ptr<Pending>> pending_;
  std::deque<std::unique_ptr<asio::steady_timer>> write_waiters_;
  std::deque<std::unique_ptr<asio::steady_timer>> connect_waiters_;
};

}  // namespace gregor::net
