// meta.properties in each log dir: `version=1`, `node.id`, `cluster.id`, `directory.id`, as
// Kafka's KRaft mode writes it. ensure_meta_properties() reads it, or writes it on first start
// (there is no separate format step), and refuses a dir formatted for another node or cluster.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"

namespace gregor::server {

// Returns the cluster id shared by all dirs (a new random one if none is formatted yet).
Result<std::string> ensure_meta_properties(const std::vector<std::filesystem::path>& dirs, int32_t node_id);

}  // namespace gregor::server
