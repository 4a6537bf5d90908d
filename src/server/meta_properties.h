// meta.properties in each log dir: `version=1`, `node.id`, `cluster.id`, `directory.id`, as
// Kafka's KRaft mode writes it. ensure_meta_properties() reads it, or writes it on first start
// (there is no separate format step), and refuses a dir formatted for another node or cluster.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"

namespace gregor::server {

// Returns the cluster id shared by all dirs. Unformatted dirs get `new_cluster_id`, or a new
// random id when that is empty. Refuses dirs of another node.id, dirs that disagree on the
// cluster id, and (when new_cluster_id is given: the id the voters derive) another cluster's.
Result<std::string> ensure_meta_properties(const std::vector<std::filesystem::path>& dirs, int32_t node_id,
                                           const std::string& new_cluster_id = "");
// The cluster id every node of a multi-voter quorum derives from controller.quorum.voters, so
// nodes started with the same voters form one cluster with no format step (Kafka needs
// `kafka-storage format -t <id>` on each node; Gregor derives the same id on each instead).
std::string cluster_id_for_voters(const std::string& voters);

}  // namespace gregor::server
