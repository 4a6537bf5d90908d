#include "broker/commit_wait.h"

#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "base/clock.h"
#include "broker/broker.h"

namespace gregor::broker {

namespace {

// One write waiting (on the caller's shard) for the high watermark.
struct CommitWaiter final : AckWaiter {
  explicit CommitWaiter(asio::any_io_executor ex) : timer(ex) {}
  void complete(size_t, int16_t error_code) override {
    code = error_code;
    done = true;
    timer.cancel();
  }
  asio::steady_timer timer;
  bool done = false;
  int16_t code = 0;
};

}  // namespace

int16_t coordinator_write_error(int16_t code) {
  if (code == int16_t(model::ErrorCode::NOT_LEADER_OR_FOLLOWER)) return int16_t(model::ErrorCode::NOT_COORDINATOR);
  return int16_t(model::ErrorCode::COORDINATOR_NOT_AVAILABLE);
}

asio::awaitable<int16_t> await_committed(Broker& broker, size_t shard, std::string topic, int32_t partition,
                                         int64_t offset, int64_t timeout_ms) {
  auto executor = co_await asio::this_coro::executor;
  auto waiter = std::make_shared<CommitWaiter>(executor);
  std::weak_ptr<AckWaiter> weak = waiter;
  const int64_t deadline = mono_ms() + timeout_ms;
  const size_t my_shard = broker.local().shard;
  const std::string* name = &topic;
  // (invoke_on takes only trivially destructible captures: the weak_ptr by reference.)
  int16_t state = co_await broker.shards().invoke_on(shard, [&broker, &weak, name, partition, offset, deadline,
                                                            my_shard]() -> int16_t {
    Partition* p = broker.local().find(*name, partition);
    if (!p || !p->is_leader()) return int16_t(model::ErrorCode::NOT_LEADER_OR_FOLLOWER);
    if (p->high_watermark() >= offset) return 0;
    if (!broker.park_ack(*p, offset, deadline, AckWaiterRef{my_shard, 0, weak}))
      return int16_t(model::ErrorCode::REQUEST_TIMED_OUT);
    return -1;  // parked
  });
  if (state != -1) co_return state;
  while (!waiter->done && mono_ms() < deadline) {
    waiter->timer.expires_after(std::chrono::milliseconds(std::max<int64_t>(1, deadline - mono_ms())));
    std::error_code ec;
    co_await waiter->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return waiter->done ? waiter->code : int16_t(model::ErrorCode::REQUEST_TIMED_OUT);
}

}  // namespace gregor::broker
