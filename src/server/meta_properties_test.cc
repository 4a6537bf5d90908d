#include "server/meta_properties.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace gregor::server {
namespace {

std::filesystem::path temp_dir() {
  static std::mt19937_64 rng(std::random_device{}());
  auto p = std::filesystem::temp_directory_path() / ("gregor-meta-" + std::to_string(rng()));
  std::filesystem::create_directories(p);
  return p;
}

TEST(MetaProperties, FormatsOnceThenRefusesAnotherNodeOrCluster) {
  auto root = temp_dir();
  std::vector<std::filesystem::path> dirs{root / "a", root / "b"};
  const std::string derived = cluster_id_for_voters("1@127.0.0.1:9093,2@127.0.0.1:9094");
  auto id = ensure_meta_properties(dirs, 1, derived);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, derived);
  auto again = ensure_meta_properties(dirs, 1, derived);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, derived);

  auto other_node = ensure_meta_properties(dirs, 2, derived);
  ASSERT_FALSE(other_node.ok());
  EXPECT_NE(other_node.error().message.find("node.id"), std::string::npos);

  auto other_cluster = ensure_meta_properties(dirs, 1, cluster_id_for_voters("1@127.0.0.1:7000"));
  ASSERT_FALSE(other_cluster.ok());
  EXPECT_NE(other_cluster.error().message.find("another cluster"), std::string::npos) << other_cluster.error().message;

  // A single-voter node (no derived id) keeps whatever id its dirs hold.
  auto single = ensure_meta_properties(dirs, 1, "");
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(*single, derived);

  // Two dirs of different clusters.
  std::ofstream(root / "b" / "meta.properties") << "version=1\nnode.id=1\ncluster.id=someotherid\n";
  EXPECT_FALSE(ensure_meta_properties(dirs, 1, "").ok());
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace gregor::server
