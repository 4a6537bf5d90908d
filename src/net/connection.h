// Kafka framing over one TCP connection: each request is a 4-byte big-endian size followed by
// that many bytes. serve_connection reads one request at a time, hands it to the handler and
// writes the handler's response (size prefix added here) before reading the next, so responses
// leave in request order, as Kafka clients rely on. A size <= 0 or above max_request_bytes, or a
// connection closed mid-frame, ends the connection with one log line. The body buffer grows as
// bytes arrive (an announced size costs nothing until it is sent), each growth reserved from the
// node's RequestMemory first, so what all connections hold is bounded (a connection that waits
// 30 s for memory is closed). A connection idle for idle_ms (no request, or a request body
// that stopped arriving) is closed. File slices in a response are sent with
// sendfile(2).
// Thread-safety: the connection lives on the shard that accepted it.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "base/bytes.h"
#include "io/file.h"
#include "net/request_memory.h"

namespace gregor::net {

struct ConnectionInfo {
  std::string peer;           // "ip:port", for logs
  std::string listener_name;  // e.g. PLAINTEXT, CONTROLLER
  uint64_t id = 0;
};

struct HandlerResult {
  enum class Kind { kRespond, kNoResponse, kClose } kind = Kind::kRespond;
  io::OutChunks response;  // body without the size prefix (kind == kRespond)
};

using FrameHandler = std::function<asio::awaitable<HandlerResult>(SharedSlice frame, const ConnectionInfo& info)>;

struct ConnectionOptions {
  int32_t max_request_bytes = 104857600;  // socket.request.max.bytes
  RequestMemory* memory = nullptr;        // queued.max.request.bytes; nullptr: unbounded
  int64_t idle_ms = 0;                    // connections.max.idle.ms; <= 0: never
};

// Serves one accepted connection until the peer closes it, an error occurs, it stays idle too
// long, or the handler asks to close it.
asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, ConnectionInfo info, ConnectionOptions options,
                                       FrameHandler handler);

// Writes chunks (memory with writev-style gathering, file slices with sendfile) to the socket.
asio::awaitable<bool> write_chunks(asio::ip::tcp::socket& socket, const io::OutChunks& chunks);

}  // namespace gregor::net
