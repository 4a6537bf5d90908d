// The feature levels this node supports and the cluster runs at (KIP-584 feature flags), as a
// KRaft broker reports them in ApiVersions v3+ and DescribeFeatures reads them:
// metadata.version is finalized at 3.9-IV0 (level 21: the KRaft metadata records Gregor writes
// are those of Kafka 3.9); kraft.version, transaction.version and group.version stay at level
// 0 (no KIP-853 dynamic quorum, no KIP-890 part 2 transactions, no KIP-848 groups yet), so
// clients keep to the protocol Gregor serves.
// Thread-safety: immutable data.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace gregor::metadata {

struct FeatureSupport {
  std::string_view name;
  int16_t min_version;
  int16_t max_version;
  int16_t finalized_level;  // 0: not finalized (not listed among the finalized features)
};

inline constexpr FeatureSupport kFeatures[] = {
    {"metadata.version", 7, 21, 21},  // 3.3-IV3 (the first KRaft level Kafka 4 reads) .. 3.9-IV0
    {"kraft.version", 0, 0, 0},
    {"transaction.version", 0, 0, 0},
    {"group.version", 0, 0, 0},
};

inline std::span<const FeatureSupport> features() { return kFeatures; }

}  // namespace gregor::metadata
