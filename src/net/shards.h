// ShardSet: one event loop (asio::io_context) per core, each run by its own thread, sharing
// nothing. Work reaches another shard only by message passing: invoke_on(target, fn) runs fn on
// the target shard's thread and resumes the calling coroutine on its own shard with fn's result.
// A partition, its log and its state live on exactly one shard (owner_of), so they need no locks.
// Thread-safety: size(), context(), invoke_on() and post() may be called from any shard thread.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/dispatch.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include <cstddef>
#include <memory>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace gregor::net {

class ShardSet {
 public:
  explicit ShardSet(size_t count);
  ~ShardSet();

  size_t size() const { return contexts_.size(); }
  asio::io_context& context(size_t shard) { return *contexts_[shard]; }
  // The shard whose thread is running the caller (0 outside any shard thread).
  static size_t current();

  // Runs every shard's loop (shard 0 on the calling thread) until stop(); joins the others.
  void run();
  // Asks every loop to finish; returns at once.
  void stop();

  // Runs fn on `target` (right away when the caller already is on it).
  template <class F>
  void post(size_t target, F&& fn) {
    asio::post(*contexts_[target], std::forward<F>(fn));
  }

  // Runs fn() on shard `target` and returns its result to the caller's shard.
  // REQUIRES: called from a coroutine running on a shard of this set; fn must not throw.
  // REQUIRES: fn captures only trivially destructible values (references into the caller's
  // frame, which stays alive while it waits, and scalars): g++ 12 may destroy a temporary
  // lambda in a co_await expression twice, which is harmless only for such captures.
  template <class F>
  asio::awaitable<std::invoke_result_t<F>> invoke_on(size_t target, F fn) {
    using R = std::invoke_result_t<F>;
    if (target == current()) co_return fn();
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(R)>(
        [this, target](auto handler, F f) {
          auto work_ex = asio::get_associated_executor(handler);
          asio::post(*contexts_[target], [h = std::move(handler), f = std::move(f), work_ex]() mutable {
            R r = f();
            asio::post(work_ex, [h = std::move(h), r = std::move(r)]() mutable { std::move(h)(std::move(r)); });
          });
        },
        asio::use_awaitable, std::move(fn));
  }

 private:
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
};

}  // namespace gregor::net
