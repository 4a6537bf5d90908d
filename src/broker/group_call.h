// Calls into a group's coordinator from any shard: run fn(GroupPartition&, now_ms) on the shard
// that owns the group's __consumer_offsets partition, deliver any parked responses the call
// completed once the records it wrote are committed, and bring the result back. await_parked()
// waits for a parked JoinGroup/SyncGroup.
// Thread-safety: handlers call these on their connection's shard.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <type_traits>
#include <utility>

#include "base/clock.h"
#include "broker/broker.h"
#include "broker/commit_wait.h"
#include "broker/group_waiter.h"

namespace gregor::broker {

template <class R>
struct GroupCall {
  int16_t error = 0;  // COORDINATOR_NOT_AVAILABLE / NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS
  R value{};
};

namespace detail {

template <class R>
struct GroupCallInner {
  GroupCall<R> call;
  int64_t wait_for = -1;  // the partition's LEO after the call's appends, when above its HW
  std::vector<group::Completion> completions;
};

}  // namespace detail

// Runs fn on the coordinator's shard. Records the call appended to __consumer_offsets are
// committed (every ISR member has them) before the answer and the parked answers it completed
// go out, as Kafka's coordinator waits for its writes (offsets.commit.timeout.ms); a write
// that does not commit in time answers COORDINATOR_NOT_AVAILABLE (NOT_COORDINATOR when the
// leadership moved) and the client retries.
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
  auto inner = co_await broker.shards().invoke_on(where.shard, [&broker, fp, partition]() -> detail::GroupCallInner<R> {
    auto& st = broker.local();
    auto it = st.groups.find(partition);
    if (it == st.groups.end())
      return {GroupCall<R>{int16_t(model::ErrorCode::COORDINATOR_NOT_AVAILABLE), R{}}, -1, {}};
    Partition* p = st.find("__consumer_offsets", partition);
    const int64_t before = p ? p->log->log_end_offset() : -1;
    R r = (*fp)(*it->second, broker.group_now());
    auto completions = it->second->take_completions();
    const int64_t after = p ? p->log->log_end_offset() : -1;
    if (p && after > before && p->high_watermark() < after)
      return {GroupCall<R>{0, std::move(r)}, after, std::move(completions)};
    broker.deliver_group_completions(std::move(completions));
    return {GroupCall<R>{0, std::move(r)}, -1, {}};
  });
  if (inner.wait_for < 0) co_return std::move(inner.call);

  // Wait until the high watermark passes the call's records.
  const int64_t timeout = broker.local().config.get_long("offsets.commit.timeout.ms");
  int16_t state = co_await await_committed(broker, where.shard, "__consumer_offsets", partition, inner.wait_for, timeout);
  broker.deliver_group_completions(std::move(inner.completions));
  if (state != 0) inner.call.error = coordinator_write_error(state);
  co_return std::move(inner.call);
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
