#include "controller/controller.h"

#include <fmt/format.h>

#include <random>

#include "base/clock.h"
#include "base/log.h"
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
                  kInvalidReplicaAssignment = 39, kInvalidConfig = 40, kUnknownTopic = 3, kInvalidRequest = 42;
}  // namespace

Result<std::unique_ptr<Controller>> Controller::open(Options options, metadata::BrokerConfig config) {
  std::unique_ptr<Controller> c(new Controller(std::move(options), std::move(config)));
  storage::LogConfig log_cfg;
  log_cfg.segment_bytes = 64 << 20;
  log_cfg.retention_ms = -1;
  log_cfg.max_message_bytes = 8 << 20;
  auto log = storage::Log::open(c->options_.metadata_dir / "__cluster_metadata-0", log_cfg, -1, -1);
  if (!log.ok()) return log.error();
  c->log_ = std::move(*log);
  if (auto s = c->replay(); !s.ok()) return s.error();
  return c;
}

Controller::~Controller() = default;

Status Controller::replay() {
  auto image = std::make_shared<Image>();
  image->cluster_id = options_.cluster_id;
  image->controller_id = options_.node_id;
  image->brokers[options_.self.id] = options_.self;
  size_t count = 0;
  int64_t offset = log_->log_start_offset();
  while (offset < log_->log_end_offset()) {
    auto slice = log_->read(offset, 1 << 20, log_->log_end_offset(), true);
    if (!slice.ok()) return slice.error();
    if (slice->size == 0) break;
    Bytes buf;
    if (auto s = slice->file->pread_exact(slice->position, slice->size, buf); !s.ok()) return s;
    int64_t next = offset;
    model::BatchIterator it(buf);
    while (auto batch = it.next()) {
      auto st = model::for_each_record(batch->bytes, [&](const model::RecordView& rec) -> Status {
        if (!rec.value) return Status::OK();
        auto decoded = metadata::decode_record(*rec.value);
        if (!decoded.ok()) return decoded.error();
        metadata::apply_record(*image, *decoded);
        ++count;
        return Status::OK();
      });
      if (!st.ok()) return st;
      next = batch->header.base_offset + batch->header.last_offset_delta + 1;
    }
    if (next == offset) break;
    offset = next;
  }
  image->version = 1;
  image_ = image;
  refresh_config();
  GLOG_INFO("metadata: replayed {} records from {} ({} topics)", count, (options_.metadata_dir / "__cluster_metadata-0").string(),
            image->topics.size());
  return Status::OK();
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
  if (records.empty()) return Status::OK();
  model::BatchBuilder builder;
  int64_t now = wall_ms();
  std::vector<Bytes> values;
  values.reserve(records.size());
  for (const auto& r : records) values.push_back(metadata::encode_record(r));
  for (const auto& v : values) builder.add(std::nullopt, std::optional<ByteView>(ByteView(v)), now);
  auto batch = builder.build();
  if (!batch.ok()) return batch.error();
  auto appended = log_->append(*batch, 0, now);
  if (!appended.ok()) return appended.error();
  if (auto s = log_->flush(); !s.ok()) return s;
  auto next = std::make_shared<Image>(*image_);
  for (const auto& r : records) metadata::apply_record(*next, r);
  next->version = image_->version + 1;
  image_ = next;
  refresh_config();
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

Result<ConfigMap> Controller::validate_topic_configs(const ConfigMap& configs) const {
  ConfigMap out;
  for (const auto& [k, v] : configs) {
    const auto* key = metadata::find_topic_key(k);
    if (!key) return make_error(kInvalidConfig, fmt::format("Unknown topic config name: {}", k));
    auto valid = metadata::validate_value(*key, v);
    if (!valid.ok()) return valid.error();
    out[k] = *valid;
  }
  return out;
}

std::vector<CreateTopicResult> Controller::create_topics(const std::vector<CreateTopicSpec>& specs, bool validate_only) {
  std::vector<CreateTopicResult> results;
  std::vector<MetadataRecord> records;
  std::vector<std::string> seen;
  int32_t live_brokers = int32_t(image_->brokers.size());
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
      bool bad = false;
      for (const auto& replicas : spec.assignments) {
        if (replicas.empty()) bad = true;
        for (int32_t b : replicas) if (!image_->brokers.count(b)) bad = true;
      }
      if (bad) { fail(kInvalidReplicaAssignment, "Replica assignment names unknown brokers or is empty."); continue; }
      assignment = spec.assignments;
    } else {
      int32_t partitions = spec.num_partitions == -1 ? int32_t(config_.get_long("num.partitions")) : spec.num_partitions;
      int32_t rf = spec.replication_factor == -1 ? int32_t(config_.get_long("default.replication.factor"))
                                                 : spec.replication_factor;
      if (partitions <= 0) { fail(kInvalidPartitions, "Number of partitions was set to an invalid non-positive value."); continue; }
      if (rf <= 0) { fail(kInvalidReplicationFactor, "Replication factor must be larger than 0."); continue; }
      if (rf > live_brokers) {
        fail(kInvalidReplicationFactor,
             fmt::format("Unable to replicate the partition {} time(s): The target replication factor of {} cannot be "
                         "reached because only {} broker(s) are registered.", rf, rf, live_brokers));
        continue;
      }
      std::vector<int32_t> ids;
      for (const auto& [id, b] : image_->brokers) ids.push_back(id);
      for (int32_t p = 0; p < partitions; ++p) {
        std::vector<int32_t> replicas;
        for (int32_t i = 0; i < rf; ++i) replicas.push_back(ids[size_t(p + i) % ids.size()]);
        assignment.push_back(replicas);
      }
    }
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
      pr.isr = assignment[p];
      pr.leader = assignment[p].front();
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
  if (validate_only) return Status::OK();
  std::vector<int32_t> ids;
  for (const auto& [id, b] : image_->brokers) ids.push_back(id);
  size_t rf = t->partitions.empty() ? 1 : t->partitions.front().replicas.size();
  std::vector<MetadataRecord> records;
  for (int32_t p = current; p < count; ++p) {
    metadata::PartitionRecord pr;
    pr.partition_id = p;
    pr.topic_id = t->id;
    for (size_t i = 0; i < rf; ++i) pr.replicas.push_back(ids[(size_t(p) + i) % ids.size()]);
    pr.isr = pr.replicas;
    pr.leader = pr.replicas.front();
    records.push_back(pr);
  }
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

Result<int64_t> Controller::allocate_producer_id() {
  constexpr int64_t kBlock = 1000;
  if (next_producer_id_ >= producer_block_end_) {
    int64_t start = std::max(next_producer_id_, image_->next_producer_id);
    if (auto s = commit({metadata::ProducerIdsRecord{options_.node_id, start + kBlock}}); !s.ok()) return s.error();
    next_producer_id_ = start;
    producer_block_end_ = start + kBlock;
  }
  return next_producer_id_++;
}

Status Controller::close() { return log_ ? log_->close() : Status::OK(); }

}  // namespace gregor::controller
