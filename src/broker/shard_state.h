// ShardState: everything one shard owns: its copy of the metadata image and the effective
// broker config, the partitions it hosts, its fetch sessions, the group coordinators of the
// __consumer_offsets partitions it hosts, the transaction coordinators of the
// __transaction_state partitions it leads, and the JoinGroup/SyncGroup requests of its
// connections that are parked until their rebalance answers them.
// Thread-safety: owner shard only (reached from elsewhere through ShardSet::invoke_on).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "broker/fetch_session.h"
#include "broker/partition.h"
#include "coordinator/group/group_partition.h"
#include "coordinator/txn/txn_partition.h"
#include "metadata/broker_config.h"
#include "metadata/image.h"

namespace gregor::net { class Client; }

namespace gregor::broker {

struct GroupWaiter;     // broker/group_waiter.h
class ReplicaFetcher;  // broker/replica_fetcher.h

using PartitionKey = std::pair<std::string, int32_t>;

struct ShardState {
  size_t shard = 0;
  metadata::ImagePtr image;
  metadata::BrokerConfig config;
  std::map<PartitionKey, std::unique_ptr<Partition>> partitions;
  FetchSessionCache sessions;
  std::map<int32_t, std::unique_ptr<group::GroupPartition>> groups;  // by __consumer_offsets partition
  // Transaction coordinators of the __transaction_state partitions this shard leads.
  struct TxnCoordinator {
    std::unique_ptr<txn::TxnPartition> partition;
    int32_t coordinator_epoch = -1;  // the partition's leader epoch when it was loaded
    int64_t next_abort_check_ms = 0;
    int64_t next_expiry_check_ms = 0;
  };
  std::map<int32_t, TxnCoordinator> txns;  // by __transaction_state partition
  // Connections of this shard to other brokers (transaction markers), by broker id.
  std::map<int32_t, std::shared_ptr<net::Client>> broker_clients;
  std::map<uint64_t, std::shared_ptr<GroupWaiter>> group_waiters;  // by token
  uint64_t next_group_token = 1;
  int64_t group_clock_ms = 0;
  // Connections of this shard to controllers, for requests forwarded to the active one.
  std::map<int32_t, std::shared_ptr<net::Client>> controller_clients;
  // Replica fetchers of this shard, one per source broker (the leader they copy from).
  std::map<int32_t, std::shared_ptr<ReplicaFetcher>> fetchers;  // wall clock as the group coordinators see it: never goes back

  Partition* find(const std::string& topic, int32_t partition) {
    auto it = partitions.find({topic, partition});
    return it == partitions.end() ? nullptr : it->second.get();
  }
};

}  // namespace gregor::broker
