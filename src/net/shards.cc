#include "net/shards.h"

namespace gregor::net {

namespace {
thread_local size_t t_shard = 0;
}

ShardSet::ShardSet(size_t count) {
  for (size_t i = 0; i < count; ++i) {
    contexts_.push_back(std::make_unique<asio::io_context>(1));
    guards_.push_back(asio::make_work_guard(*contexts_.back()));
  }
}

ShardSet::~ShardSet() {
  stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

size_t ShardSet::current() { return t_shard; }

void ShardSet::run() {
  for (size_t i = 1; i < contexts_.size(); ++i) {
    threads_.emplace_back([this, i] {
      t_shard = i;
      contexts_[i]->run();
    });
  }
  t_shard = 0;
  contexts_[0]->run();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void ShardSet::stop() {
  for (auto& g : guards_) g.reset();
  for (auto& c : contexts_) c->stop();
}

}  // namespace gregor::net
