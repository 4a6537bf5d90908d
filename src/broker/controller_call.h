// controller_call: runs one controller decision on shard 0 and commits what it decided. From
// any shard: takes the controller write lock (one write at a time, so each decision sees every
// earlier one applied), calls fn(Controller&), proposes the records the decision left pending
// to the quorum, waits until they are committed, applied and published to every shard, and
// returns fn's result. When this node is not the active controller, or the commit fails, the
// result carries the error (NOT_CONTROLLER, REQUEST_TIMED_OUT, ...) instead: a vector of
// CreateTopicResult has it on every entry that had succeeded, a Status/Result becomes it.
// Thread-safety: call from a coroutine on any shard; fn runs on shard 0.
#pragma once

#include <asio/co_spawn.hpp>
#include <asio/use_awaitable.hpp>

#include <optional>
#include <type_traits>
#include <vector>

#include "broker/broker.h"

namespace gregor::broker {

inline void mark_failed(Status& s, const Error& e) { s = Status(e); }
template <class T>
void mark_failed(Result<T>& r, const Error& e) { r = Result<T>(e); }
inline void mark_failed(std::vector<controller::CreateTopicResult>& results, const Error& e) {
  for (auto& r : results)
    if (r.error == 0) {
      r.error = e.code;
      r.message = e.message;
    }
}

inline void mark_failed(std::optional<int32_t>& r, const Error&) { r.reset(); }
inline void mark_failed(bool& r, const Error&) { r = false; }
inline void mark_failed(controller::ElectLeadersResponse& r, const Error& e) {
  for (auto& t : r.results)
    for (auto& p : t.partitions)
      if (p.error == 0) {
        p.error = e.code;
        p.message = e.message;
      }
}
inline void mark_failed(controller::AlterPartitionResponse& r, const Error& e) {
  r = controller::AlterPartitionResponse{};
  r.error = e.code;
  r.message = e.message;
}
inline void mark_failed(controller::BrokerRegistrationReply& r, const Error& e) {
  r = controller::BrokerRegistrationReply{e.code, e.message, -1};
}
inline void mark_failed(controller::BrokerHeartbeatReply& r, const Error& e) {
  r = controller::BrokerHeartbeatReply{};
  r.error = e.code;
  r.message = e.message;
}

namespace detail {
// fn is taken by value into the coroutine frame (it may hold references into the caller's
// frame, which waits for this to finish).
// (The result travels in an optional: co_spawn needs a default-constructible value.)
template <class R, class F>
asio::awaitable<std::optional<R>> controller_call_on_shard0(Broker* broker, F fn, R not_leader) {
  co_await broker->lock_controller();
  if (!broker->is_active_controller()) {
    broker->unlock_controller();
    co_return std::optional<R>(std::move(not_leader));
  }
  R result = fn(broker->controller());
  auto committed = co_await broker->commit_pending();
  broker->unlock_controller();
  if (!committed.ok()) mark_failed(result, committed.error());
  co_return std::optional<R>(std::move(result));
}
}  // namespace detail

// not_leader: the result to return when this node is not the active controller.
template <class F, class R = std::invoke_result_t<F&, controller::Controller&>>
asio::awaitable<R> controller_call(Broker& broker, F fn, R not_leader) {
  auto out = co_await asio::co_spawn(
      broker.shards().context(0), detail::controller_call_on_shard0<R, F>(&broker, std::move(fn), std::move(not_leader)),
      asio::use_awaitable);
  co_return std::move(*out);
}

inline Error not_controller_error() {
  return make_error(41, "This node is not the active controller; the request must go to the controller.");
}

}  // namespace gregor::broker
