// Calls into a group's coordinator from any shard: run fn(GroupPartition&, now_ms) on the shard
// that owns the group's __consumer_offsets partition, deliver any parked responses the call
// completed, and bring the result back. await_parked() waits for a parked JoinGroup/SyncGroup.
// Thread-safety: handlers call these on their connection's shard.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include <type_traits>
#include <utility>

#include "broker/broker.h"
#include "broker/group_waiter.h"

namespace gregor::broker {

template <class R>
struct GroupCall {
  int16_t error = 0;  // COORDINATOR_NOT_AVAILABLE / NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS
  R value{};
};

// REQUIRES: fn outlives the call (it is invoked by pointer on the coordinator's shard).
// `where` is taken by value: the coroutine starts only when awaited, after a temporary
// argument would be gone.
template <class F>
auto call_group(Broker& broker, Broker::GroupLocation where, F& fn)
    -> asio::awaitable<GroupCall<std::invoke_result_t<F&, group::GroupPartition&, int64_t>>> {
  using R = std::invoke_result_t<F&, group::GroupPartition&, int64_t>;
  if (where.error != 0) co_return GroupCall<R>{where.error, R{}};
  F* fp = &fn;
  const int32_t partition = where.partition;
  co_return co_await broker.shards().invoke_on(where.shard, [&broker, fp, partition]() -> GroupCall<R> {
    auto& st = broker.local();
    auto it = st.groups.find(partition);
    if (it == st.groups.end()) return GroupCall<R>{int16_t(model::ErrorCode::COORDINATOR_NOT_AVAILABLE), R{}};
    R r = (*fp)(*it->second, broker.group_now());
    broker.deliver_group_completions(it->second->take_completions());
    return GroupCall<R>{0, std::move(r)};
  });
}

template <class F>
auto call_group(Broker& broker, const std::string& group_id, F& fn) {
  return call_group(broker, broker.locate_group(group_id), fn);
}

// Waits until the coordinator answers the parked request behind `waiter`.
inline asio::awaitable<void> await_parked(GroupWaiter& waiter) {
  while (!waiter.result) {
    std::error_code ec;
    co_await waiter.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!waiter.result) waiter.timer.expires_at(asio::steady_timer::time_point::max());
  }
}

}  // namespace gregor::broker
