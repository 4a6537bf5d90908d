// meta.properties: the identity file at the top of every log dir, in Java properties
// syntax as Kafka (KRaft, version 1) writes it:
//   version=1
//   node.id=<int>
//   cluster.id=<base64url uuid>
//   directory.id=<base64url uuid>
// Unknown keys are kept and written back. Written atomically.
// Thread-safety: pure functions; one writer per file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace gregor::storage {

inline constexpr char kMetaPropertiesFile[] = "meta.properties";

struct MetaProperties {
  int32_t version = 1;
  int32_t node_id = -1;
  std::string cluster_id;
  std::string directory_id;
  std::map<std::string, std::string> other;  // keys this project does not interpret
  bool operator==(const MetaProperties&) const = default;
};

std::string format_meta_properties(const MetaProperties& m);
// KAFKA_STORAGE_ERROR for a malformed file or a missing/invalid version or node.id.
Result<MetaProperties> parse_meta_properties(std::string_view text);

Status write_meta_properties(const std::filesystem::path& log_dir, const MetaProperties& m);
Result<MetaProperties> read_meta_properties(const std::filesystem::path& log_dir);

}  // namespace gregor::storage
