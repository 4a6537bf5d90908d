#include "controller/controller.h"

#include <fmt/format.h>

#include <random>

#include "base/clock.h"
#include "base/log.h"
#include "controller/fencing.h"
#include "model/error_code.h"
#include "controller/placement.h"
#include "model/batch_builder.h"
#include "model/batch_iterator.h"
#include "model/record.h"
#include "storage/log.h"
#include "storage/partition_dir.h"

namespace gregor::controller {

using metadata::ConfigMap;
using metadata::Image;
using metadata::MetadataRecord;

namespace {
constexpr int16_t kInvalidTopic = 17, kTopicExists = 36, kInvalidPartitions = 37, kInvalidReplicationFactor = 38,
                  kInvalidReplicaAssignment = 39, kInvalidConfig = 40, kUnknownTopic = 3, kInvalidRequest = 42,
                  kPolicyViolation = 44;
}  // namespace

Controller::Controller(Options options, metadata::BrokerConfig config)
    : options_(std::move(options)), config_(std::move(config)),
      heartbeats_(std::max<int64_t>(1, config_.get_long("broker.session.timeout.ms"))) {
  auto image = std::make_shared<Image>();
  image->cluster_id = options_.cluster_id;
  image_ = image;
}

Controller::~Controller() = default;

void Controller::set_image(metadata::ImagePtr image) {
  image_ = std::move(image);
  refresh_config();
}

std::vector<MetadataRecord> Controller::take_pending() {
  auto out = std::move(pending_);
  pending_.clear();
  return out;
}

void Controller::abandon_pending() {
  // Nothing is reserved outside the image: an uncommitted producer-id block is simply not
  // handed to its broker.
}

void Controller::refresh_config() {
  ConfigMap dyn, defaults;
  if (auto it = image_->broker_configs.find(std::to_string(options_.node_id)); it != image_->broker_configs.end())
    dyn = it->second;
  if (auto it = image_->broker_configs.find(""); it != image_->broker_configs.end()) defaults = it->second;
  config_.set_dynamic(std::move(dyn));
  config_.set_dynamic_defaults(std::move(defaults));
}

Status Controller::commit(const std::vector<MetadataRecord>& records) {
  pending_.insert(pending_.end(), records.begin(), records.end());
  return Status::OK();
}

proto::Uuid Controller::new_topic_id() const {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  proto::Uuid id;
  do {
    for (auto& b : id.bytes) b = uint8_t(rng());
  } while (id.is_zero() || image_->topic_names.count(id));
  return id;
}

uint64_t Controller::placement_seed() const {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

Result<ConfigMap> Controller::validate_topic_configs(const ConfigMap& configs) const {
  ConfigMap out;
  for (const auto& [k, v] : configs) {
    const auto* key = metadata::find_topic_key(k);
    if (!key) return make_error(kInvalidConfig, fmt::format("Unknown topic config name: {}", k));
    auto valid = metadata::validate_value(*key, v);
    if (!valid.ok()) return valid.error();
    if (key->inert) GLOG_WARN("topic config {}={} is accepted for compatibility with Kafka 3.x but has no effect", k, v);
    out[k] = *valid;
  }
  return out;
}

std::vector<CreateTopicResult> Controller::create_topics(const std::vector<CreateTopicSpec>& specs, bool validate_only) {
  std::vector<CreateTopicResult> results;
  std::vector<MetadataRecord> records;
  std::vector<std::string> seen;
  const auto usable = usable_brokers(*image_);
  // Kafka's controller bounds the records of one request (MAX_RECORDS_PER_USER_OP): past it the
  // whole request fails with POLICY_VIOLATION, before any replica is placed.
  size_t planned_records = 0;
  for (const auto& spec : specs) {
    int64_t n = !spec.assignments.empty() ? int64_t(spec.assignments.size())
                : spec.num_partitions == -1 ? config_.get_long("num.partitions")
                                            : std::max<int64_t>(spec.num_partitions, 0);
    planned_records += size_t(1 + std::min<int64_t>(n, int64_t(kMaxRecordsPerUserOp) + 1)) + spec.configs.size();
  }
  if (planned_records > kMaxRecordsPerUserOp) {
    for (size_t i = 0; i < specs.size(); ++i) {
      results.push_back(CreateTopicResult{});
      results.back().error = kPolicyViolation;
      results.back().message = "Unable to perform excessively large batch operation.";
    }
    return results;
  }
  for (const auto& spec : specs) {
    CreateTopicResult r;
    auto fail = [&](int16_t code, std::string msg) {
      r.error = code;
      r.message = std::move(msg);
      results.push_back(r);
    };
    if (auto v = storage::validate_topic_name(spec.name); !v.ok()) { fail(kInvalidTopic, v.error().message); continue; }
    if (image_->find_topic(spec.name) || std::find(seen.begin(), seen.end(), spec.name) != seen.end()) {
      fail(kTopicExists, fmt::format("Topic '{}' already exists.", spec.name));
      continue;
    }
    auto configs = validate_topic_configs(spec.configs);
    if (!configs.ok()) { fail(kInvalidConfig, configs.error().message); continue; }
    std::vector<std::vector<int32_t>> assignment;
    if (!spec.assignments.empty()) {
      if (spec.num_partitions != -1 || spec.replication_factor != -1) {
        fail(kInvalidRequest, "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
        continue;
      }
      std::string bad;
      for (const auto& replicas : spec.assignments) {
        if (replicas.empty()) bad = "The manual partition assignment includes an empty replica list.";
        for (size_t i = 0; i < replicas.size() && bad.empty(); ++i) {
          if (!image_->brokers.count(replicas[i]))
            bad = fmt::format("The manual partition assignment includes broker {}, but no broker with that ID is "
                              "registered.", replicas[i]);
          else if (std::find(replicas.begin(), replicas.begin() + long(i), replicas[i]) != replicas.begin() + long(i))
            bad = fmt::format("The manual partition assignment includes the broker {} more than once.", replicas[i]);
        }
        if (!bad.empty()) break;
      }
      if (!bad.empty()) { fail(kInvalidReplicaAssignment, bad); continue; }
      assignment = spec.assignments;
    } else {
      int32_t partitions = spec.num_partitions == -1 ? int32_t(config_.get_long("num.partitions")) : spec.num_partitions;
      int32_t rf = spec.replication_factor == -1 ? int32_t(config_.get_long("default.replication.factor"))
                                                 : spec.replication_factor;
      if (partitions <= 0) { fail(kInvalidPartitions, "Number of partitions was set to an invalid non-positive value."); continue; }
      if (rf <= 0) { fail(kInvalidReplicationFactor, "Replication factor must be larger than 0."); continue; }
      auto placed = place_replicas(usable, partitions, rf, 0, placement_seed());
      if (!placed.ok()) { fail(placed.error().code, placed.error().message); continue; }
      assignment = std::move(*placed);
    }
    std::vector<InitialState> initial;
    std::string offline;
    for (const auto& replicas : assignment) {
      auto st = initial_partition_state(*image_, replicas, int32_t(replicas.size()));
      if (!st.ok()) { offline = st.error().message; break; }
      initial.push_back(std::move(*st));
    }
    if (!offline.empty()) { fail(kInvalidReplicationFactor, offline); continue; }
    r.id = new_topic_id();
    r.num_partitions = int32_t(assignment.size());
    r.replication_factor = int16_t(assignment.front().size());
    results.push_back(r);
    seen.push_back(spec.name);
    if (validate_only) continue;
    records.push_back(metadata::TopicRecord{spec.name, r.id});
    for (size_t p = 0; p < assignment.size(); ++p) {
      metadata::PartitionRecord pr;
      pr.partition_id = int32_t(p);
      pr.topic_id = r.id;
      pr.replicas = assignment[p];
      pr.isr = initial[p].isr;
      pr.leader = initial[p].leader;
      records.push_back(pr);
    }
    for (const auto& [k, v] : *configs)
      records.push_back(metadata::ConfigRecord{metadata::ResourceType::kTopic, spec.name, k, v});
  }
  if (auto s = commit(records); !s.ok()) {
    for (auto& r : results)
      if (r.error == 0) { r.error = s.error().code; r.message = s.error().message; }
  }
  return results;
}

Result<proto::Uuid> Controller::delete_topic(const std::string& name) {
  const auto* t = image_->find_topic(name);
  if (!t) return make_error(kUnknownTopic, "This server does not host this topic-partition.");
  proto::Uuid id = t->id;
  if (auto s = commit({metadata::RemoveTopicRecord{id}}); !s.ok()) return s.error();
  return id;
}

Status Controller::create_partitions(const std::string& name, int32_t count, bool validate_only) {
  const auto* t = image_->find_topic(name);
  if (!t) return make_error(kUnknownTopic, "This server does not host this topic-partition.");
  int32_t current = int32_t(t->partitions.size());
  if (count <= current)
    return make_error(kInvalidPartitions, fmt::format("Topic currently has {} partitions, which is higher than the "
                                                      "requested {}.", current, count));
  if (size_t(count - current) > kMaxRecordsPerUserOp)
    return make_error(kPolicyViolation, "Unable to perform excessively large batch operation.");
  int32_t rf = t->partitions.empty() ? 1 : int32_t(t->partitions.front().replicas.size());
  auto placed = place_replicas(usable_brokers(*image_), count - current, rf, current, placement_seed());
  if (!placed.ok()) return placed.error();
  std::vector<MetadataRecord> records;
  for (int32_t p = current; p < count; ++p) {
    const auto& replicas = (*placed)[size_t(p - current)];
    auto st = initial_partition_state(*image_, replicas, rf);
    if (!st.ok()) return st.error();
    metadata::PartitionRecord pr;
    pr.partition_id = p;
    pr.topic_id = t->id;
    pr.replicas = replicas;
    pr.isr = st->isr;
    pr.leader = st->leader;
    records.push_back(pr);
  }
  if (validate_only) return Status::OK();
  return commit(records);
}

Status Controller::alter_configs(metadata::ResourceType type, const std::string& name,
                                 const std::vector<ConfigChange>& changes, bool replace, bool validate_only) {
  std::vector<MetadataRecord> records;
  const ConfigMap* current = nullptr;
  ConfigMap empty;
  if (type == metadata::ResourceType::kTopic) {
    const auto* t = image_->find_topic(name);
    if (!t) return make_error(kUnknownTopic, fmt::format("Topic {} does not exist.", name));
    current = &t->configs;
  } else if (type == metadata::ResourceType::kBroker) {
    if (!name.empty() && name != std::to_string(options_.node_id))
      return make_error(kInvalidRequest, fmt::format("Unexpected broker id, expected {} or empty string, but received {}",
                                                     options_.node_id, name));
    auto it = image_->broker_configs.find(name);
    current = it == image_->broker_configs.end() ? &empty : &it->second;
  } else {
    return make_error(kInvalidRequest, "Unsupported resource type");
  }
  for (const auto& [k, v] : changes) {
    const auto* key = type == metadata::ResourceType::kTopic ? metadata::find_topic_key(k) : metadata::find_broker_key(k);
    if (!key) return make_error(kInvalidConfig, fmt::format("Unknown {} config name: {}",
                                                            type == metadata::ResourceType::kTopic ? "topic" : "broker", k));
    if (type == metadata::ResourceType::kBroker && !key->dynamic)
      return make_error(kInvalidConfig, fmt::format("Cannot update these configs dynamically: [{}]", k));
    std::optional<std::string> value;
    if (v) {
      auto valid = metadata::validate_value(*key, *v);
      if (!valid.ok()) return valid.error();
      value = *valid;
      if (key->inert) GLOG_WARN("config {}={} is accepted for compatibility with Kafka 3.x but has no effect", k, *v);
    }
    records.push_back(metadata::ConfigRecord{type, name, k, value});
  }
  if (replace) {
    for (const auto& [k, v] : *current) {
      bool named = false;
      for (const auto& c : changes) named |= c.first == k;
      if (!named) records.push_back(metadata::ConfigRecord{type, name, k, std::nullopt});
    }
  }
  if (validate_only) return Status::OK();
  return commit(records);
}

Result<ProducerIdBlock> Controller::allocate_producer_ids(int32_t broker_id, int64_t broker_epoch) {
  if (broker_epoch >= 0) {
    auto it = image_->brokers.find(broker_id);
    if (it == image_->brokers.end())
      return make_error(int16_t(model::ErrorCode::BROKER_ID_NOT_REGISTERED),
                        fmt::format("broker {} is not registered", broker_id));
    if (it->second.epoch != broker_epoch)
      return make_error(int16_t(model::ErrorCode::STALE_BROKER_EPOCH),
                        fmt::format("broker {} has epoch {}, not {}", broker_id, it->second.epoch, broker_epoch));
  }
  const int64_t start = image_->next_producer_id;
  if (start > INT64_MAX - kProducerIdBlockSize)
    return make_error(int16_t(model::ErrorCode::UNKNOWN_SERVER_ERROR), "producer ids are exhausted");
  if (auto s = commit({metadata::ProducerIdsRecord{broker_id, start + kProducerIdBlockSize}}); !s.ok()) return s.error();
  return ProducerIdBlock{start, kProducerIdBlockSize};
}

BrokerRegistrationReply Controller::register_broker(const BrokerRegistrationRequest& request, int64_t now_ms) {
  // The broker of this very process (a combined node restarted): its old incarnation cannot be
  // alive, it would hold the log-dir lock this process holds. No waiting for its session.
  const bool local = local_broker_id_ >= 0 && request.broker_id == local_broker_id_ &&
                     request.incarnation_id == local_incarnation_;
  auto decided = controller::register_broker(*image_, config_, heartbeats_, request, now_ms, 0, local);
  if (decided.response.error == 0) (void)commit(decided.records);
  return decided.response;
}

BrokerHeartbeatReply Controller::heartbeat(const BrokerHeartbeatRequest& request, int64_t now_ms) {
  auto decided = process_heartbeat(*image_, config_, heartbeats_, request, now_ms);
  if (decided.response.error == 0) (void)commit(decided.records);
  return decided.response;
}

std::optional<int32_t> Controller::fence_stale_broker(int64_t now_ms) {
  auto decided = maybe_fence_stale_broker(*image_, config_, heartbeats_, now_ms);
  (void)commit(decided.records);
  return decided.response;
}

void Controller::rebuild_sessions(int64_t now_ms) { heartbeats_.rebuild(*image_, now_ms); }

ElectLeadersResponse Controller::elect_leaders(const ElectLeadersRequest& request) {
  auto decided = controller::elect_leaders(*image_, config_, request);
  (void)commit(decided.records);
  return decided.response;
}

AlterPartitionResponse Controller::alter_partition(const AlterPartitionRequest& request) {
  auto decided = controller::alter_partition(*image_, config_, request);
  (void)commit(decided.records);
  return decided.response;
}

bool Controller::rebalance_leaders() {
  auto decided = controller::rebalance_leaders(*image_, config_);
  (void)commit(decided.records);
  return !decided.records.empty();
}

}  // namespace gregor::controller
