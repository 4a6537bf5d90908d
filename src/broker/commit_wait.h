// await_committed: waits, on the caller's shard, until a partition this broker leads has
// committed everything below `offset` (its high watermark reached it: every ISR member has
// the records), as a coordinator waits for its writes before answering and WriteTxnMarkers
// waits for its markers (acks=all).
// Returns 0, NOT_LEADER_OR_FOLLOWER (the leadership moved) or REQUEST_TIMED_OUT.
// Thread-safety: call from a coroutine on any shard; the partition is read on `shard`.
#pragma once

#include <asio/awaitable.hpp>

#include <cstdint>
#include <string>

namespace gregor::broker {

class Broker;

asio::awaitable<int16_t> await_committed(Broker& broker, size_t shard, std::string topic, int32_t partition,
                                         int64_t offset, int64_t timeout_ms);

// Kafka's mapping of a coordinator write that did not commit to the client's error.
int16_t coordinator_write_error(int16_t code);

}  // namespace gregor::broker
