#include "server/meta_properties.h"

#include <fmt/format.h>

#include <random>

#include "base/log.h"
#include "base/splitmix.h"
#include "io/file.h"
#include "protocol/uuid.h"
#include "server/properties.h"

namespace gregor::server {

namespace {
std::string random_uuid_text() {
  std::random_device rd;
  std::mt19937_64 rng(rd());
  proto::Uuid id;
  for (auto& b : id.bytes) b = uint8_t(rng());
  return id.to_string();
}
}  // namespace

std::string cluster_id_for_voters(const std::string& voters) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a over the text, then two SplitMix64 draws
  for (char c : voters) h = (h ^ uint8_t(c)) * 0x100000001b3ULL;
  uint64_t a = splitmix64(h), b = splitmix64(a);
  proto::Uuid id;
  for (int i = 0; i < 8; ++i) {
    id.bytes[size_t(i)] = uint8_t(a >> (8 * i));
    id.bytes[size_t(i + 8)] = uint8_t(b >> (8 * i));
  }
  return id.to_string();
}

Result<std::string> ensure_meta_properties(const std::vector<std::filesystem::path>& dirs, int32_t node_id,
                                           const std::string& new_cluster_id) {
  std::string cluster_id;
  std::vector<std::filesystem::path> unformatted;
  for (const auto& dir : dirs) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(-1, fmt::format("cannot create log dir {}: {}", dir.string(), ec.message()));
    auto path = dir / "meta.properties";
    if (!std::filesystem::exists(path)) {
      unformatted.push_back(dir);
      continue;
    }
    auto props = read_properties_file(path);
    if (!props.ok()) return props.error();
    auto node = props->count("node.id") ? props->at("node.id") : "";
    if (node != std::to_string(node_id))
      return make_error(-1, fmt::format("{} belongs to node.id {}, but this node is node.id {}", path.string(), node, node_id));
    auto cid = props->count("cluster.id") ? props->at("cluster.id") : "";
    if (!cluster_id.empty() && cid != cluster_id)
      return make_error(-1, fmt::format("{} has cluster.id {}, another log dir has {}", path.string(), cid, cluster_id));
    if (!new_cluster_id.empty() && cid != new_cluster_id)
      return make_error(-1, fmt::format("{} has cluster.id {}, but controller.quorum.voters makes this cluster {}: the "
                                        "dir was formatted for another cluster (use an empty dir, or the voters it was "
                                        "formatted with)",
                                        path.string(), cid, new_cluster_id));
    cluster_id = cid;
  }
  if (cluster_id.empty()) cluster_id = new_cluster_id.empty() ? random_uuid_text() : new_cluster_id;
  for (const auto& dir : unformatted) {
    auto text = fmt::format("#\n#Written by gregor on first start\nnode.id={}\ndirectory.id={}\nversion=1\ncluster.id={}\n",
                            node_id, random_uuid_text(), cluster_id);
    if (auto s = io::write_file_atomic(dir / "meta.properties", text); !s.ok()) return s.error();
    GLOG_INFO("initialised log dir {} (cluster.id {})", dir.string(), cluster_id);
  }
  return cluster_id;
}

}  // namespace gregor::server
