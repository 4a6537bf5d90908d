// Controller: the active controller's decisions and the metadata log they are written to.
// Every change (topic creation and deletion, partition growth, config changes) is validated,
// written as metadata records to `__cluster_metadata-0` (fsynced) and only then applied to a new
// Image, which the caller publishes to the shards. On open, the log is replayed to rebuild the
// Image, so topics and configs survive restarts and crashes.
// This is the single-voter controller: the quorum of several voters (KRaft) builds on it.
// Thread-safety: owned by one shard (shard 0); not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "metadata/broker_config.h"
#include "metadata/image.h"
#include "metadata/records.h"

namespace gregor::storage { class Log; }

namespace gregor::controller {

struct CreateTopicSpec {
  std::string name;
  int32_t num_partitions = -1;        // -1: num.partitions
  int16_t replication_factor = -1;    // -1: default.replication.factor
  std::vector<std::vector<int32_t>> assignments;  // explicit replica lists, or empty
  metadata::ConfigMap configs;
};

struct CreateTopicResult {
  int16_t error = 0;
  std::string message;
  proto::Uuid id;
  int32_t num_partitions = -1;
  int16_t replication_factor = -1;
};

// One config change: value nullopt deletes the override.
using ConfigChange = std::pair<std::string, std::optional<std::string>>;

class Controller {
 public:
  struct Options {
    int32_t node_id = -1;
    std::string cluster_id;
    std::filesystem::path metadata_dir;  // holds __cluster_metadata-0
    metadata::BrokerInfo self;           // this node's broker endpoint
  };

  static Result<std::unique_ptr<Controller>> open(Options options, metadata::BrokerConfig config);
  ~Controller();

  metadata::ImagePtr image() const { return image_; }
  // The broker config with the dynamic values from the image applied.
  const metadata::BrokerConfig& config() const { return config_; }

  std::vector<CreateTopicResult> create_topics(const std::vector<CreateTopicSpec>& specs, bool validate_only);
  // Deletes a topic by name; UNKNOWN_TOPIC_OR_PARTITION if absent.
  Result<proto::Uuid> delete_topic(const std::string& name);
  // Grows a topic to `count` partitions (INVALID_PARTITIONS if not larger).
  Status create_partitions(const std::string& name, int32_t count, bool validate_only);
  // Applies config changes to a topic or broker resource (name "" = cluster default for brokers).
  // replace: legacy AlterConfigs semantics (every override not named is removed).
  Status alter_configs(metadata::ResourceType type, const std::string& name, const std::vector<ConfigChange>& changes,
                       bool replace, bool validate_only);

  // A producer id never handed out before (ids are reserved durably in blocks of 1000).
  Result<int64_t> allocate_producer_id();

  Status close();

 private:
  Controller(Options options, metadata::BrokerConfig config) : options_(std::move(options)), config_(std::move(config)) {}
  Status replay();
  Status commit(const std::vector<metadata::MetadataRecord>& records);
  Result<metadata::ConfigMap> validate_topic_configs(const metadata::ConfigMap& configs) const;
  proto::Uuid new_topic_id() const;
  void refresh_config();

  Options options_;
  metadata::BrokerConfig config_;
  std::unique_ptr<storage::Log> log_;
  metadata::ImagePtr image_;
  int64_t next_producer_id_ = 0;   // next id to hand out
  int64_t producer_block_end_ = 0;  // end of the reserved block
};

}  // namespace gregor::controller
