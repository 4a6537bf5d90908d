// Node: one `gregor serve` process: the shards, the controller, the broker and the listeners,
// started in order (log dirs and metadata first, then partitions, then listeners) and stopped
// in reverse (listeners, partitions flushed and checkpointed, metadata log closed).
// Thread-safety: run() blocks the calling thread, which becomes shard 0.
#pragma once

#include <memory>

#include "base/result.h"
#include "metadata/broker_config.h"
#include "server/node_config.h"

namespace gregor::server {

// Runs a node until SIGTERM/SIGINT; returns the process exit code.
int run_node(const NodeConfig& node, const metadata::BrokerConfig& config, size_t shards);

}  // namespace gregor::server
