// ReplicaFetcher: copies the partitions this shard follows from one source broker (their
// leader) over one connection, as Kafka's ReplicaFetcherThread does with Fetch v12: each round
// asks for every partition from its LEO with its last fetched leader epoch, appends what comes
// back as it is (offsets and epochs kept), truncates where the leader reports a diverging
// epoch (replication/follower_truncation.h), and takes the leader's high watermark (capped at
// the local LEO). OFFSET_OUT_OF_RANGE asks the leader for its log start and end (ListOffsets as
// a replica) and truncates or restarts as Kafka does. Partitions whose leader answers an error
// (not leader, fenced or unknown epoch) wait replica.fetch.backoff.ms for newer metadata.
// Thread-safety: lives on its shard; every method is called there.
// REQUIRES: held by shared_ptr (its loop keeps it alive); stop() before dropping it.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "broker/shard_state.h"

namespace gregor::net { class Client; }

namespace gregor::broker {

class Broker;

class ReplicaFetcher : public std::enable_shared_from_this<ReplicaFetcher> {
 public:
  ReplicaFetcher(Broker& broker, size_t shard, int32_t source, std::string host, uint16_t port);
  ~ReplicaFetcher();

  void start();
  void stop();
  void add(const PartitionKey& key);
  void remove(const PartitionKey& key);
  bool empty() const { return partitions_.empty(); }
  bool targets(const std::string& host, int32_t port) const { return host == host_ && port == port_; }
  int32_t source() const { return source_; }

 private:
  asio::awaitable<void> run(std::shared_ptr<ReplicaFetcher> self);
  asio::awaitable<void> handle_out_of_range(const PartitionKey& key, int64_t fetch_offset);
  asio::awaitable<void> sleep_ms(int64_t ms);

  Broker& broker_;
  size_t shard_;
  int32_t source_;
  std::string host_;
  uint16_t port_;
  std::shared_ptr<net::Client> client_;
  std::map<PartitionKey, int64_t> partitions_;  // -> mono ms before which it is not fetched
  std::unique_ptr<asio::steady_timer> wake_;
  bool stopped_ = false;
  bool running_ = false;
};

}  // namespace gregor::broker
