// GroupWaiter: a JoinGroup or SyncGroup parked until its group's rebalance reaches the point
// where Kafka answers it. The request's handler waits on `timer` on its own shard; the group
// coordinator (possibly on another shard) posts the response back there, stores it in `result`
// and cancels the timer. See Broker::park_group_request and Broker::deliver_group_completions.
// Thread-safety: owner shard only.
#pragma once

#include <asio/steady_timer.hpp>

#include <optional>
#include <variant>

#include "coordinator/group/messages.h"

namespace gregor::broker {

struct GroupWaiter {
  explicit GroupWaiter(const asio::any_io_executor& ex) : timer(ex, asio::steady_timer::time_point::max()) {}
  asio::steady_timer timer;
  std::optional<std::variant<group::JoinResponse, group::SyncResponse>> result;
};

}  // namespace gregor::broker
