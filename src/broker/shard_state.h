// ShardState: everything one shard owns: its copy of the metadata image and the effective
// broker config, the partitions it hosts, and its fetch sessions.
// Thread-safety: owner shard only (reached from elsewhere through ShardSet::invoke_on).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "broker/fetch_session.h"
#include "broker/partition.h"
#include "metadata/broker_config.h"
#include "metadata/image.h"

namespace gregor::broker {

using PartitionKey = std::pair<std::string, int32_t>;

struct ShardState {
  size_t shard = 0;
  metadata::ImagePtr image;
  metadata::BrokerConfig config;
  std::map<PartitionKey, std::unique_ptr<Partition>> partitions;
  FetchSessionCache sessions;

  Partition* find(const std::string& topic, int32_t partition) {
    auto it = partitions.find({topic, partition});
    return it == partitions.end() ? nullptr : it->second.get();
  }
};

}  // namespace gregor::broker
