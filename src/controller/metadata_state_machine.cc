#include "controller/metadata_state_machine.h"

#include "base/clock.h"
#include "base/log.h"
#include "model/batch_builder.h"
#include "model/batch_iterator.h"
#include "model/record.h"

namespace gregor::controller {

using metadata::MetadataRecord;

MetadataStateMachine::MetadataStateMachine(std::string cluster_id) { state_.cluster_id = std::move(cluster_id); }

void MetadataStateMachine::apply(const raft::LogBatch& batch) {
  applied_end_ = batch.last_offset + 1;
  if (batch.control) return;
  int64_t offset = batch.base_offset;
  auto st = model::for_each_record(batch.data, [&](const model::RecordView& rec) -> Status {
    int64_t at = offset++;
    if (!rec.value) return Status::OK();
    auto decoded = metadata::decode_record(*rec.value);
    if (!decoded.ok()) {
      GLOG_WARN("metadata: skipping the record at offset {}: {}", at, decoded.error().message);
      return Status::OK();
    }
    metadata::apply_record(state_, *decoded, at);
    ++records_applied_;
    dirty_ = true;
    return Status::OK();
  });
  if (!st.ok()) GLOG_WARN("metadata: batch at offset {} cannot be read: {}", batch.base_offset, st.error().message);
}

metadata::ImagePtr MetadataStateMachine::image() {
  if (dirty_ || !published_) {
    state_.version = published_ ? published_->version + 1 : 1;
    published_ = std::make_shared<metadata::Image>(state_);
    dirty_ = false;
  }
  return published_;
}

std::vector<MetadataRecord> image_to_records(const metadata::Image& image) {
  std::vector<MetadataRecord> out;
  for (const auto& [id, b] : image.brokers) {
    if (!b.registered()) continue;
    metadata::RegisterBrokerRecord r;
    r.broker_id = id;
    r.incarnation_id = b.incarnation_id;
    r.broker_epoch = b.epoch;
    r.endpoints = b.endpoints;
    r.rack = b.rack;
    r.fenced = b.fenced;
    r.in_controlled_shutdown = b.in_controlled_shutdown;
    out.push_back(std::move(r));
  }
  for (const auto& [name, t] : image.topics) {
    out.push_back(metadata::TopicRecord{name, t.id});
    for (size_t p = 0; p < t.partitions.size(); ++p) {
      const auto& info = t.partitions[p];
      metadata::PartitionRecord pr;
      pr.partition_id = int32_t(p);
      pr.topic_id = t.id;
      pr.replicas = info.replicas;
      pr.isr = info.isr;
      pr.leader = info.leader;
      pr.leader_epoch = info.leader_epoch;
      pr.partition_epoch = info.partition_epoch;
      out.push_back(std::move(pr));
    }
    for (const auto& [k, v] : t.configs)
      out.push_back(metadata::ConfigRecord{metadata::ResourceType::kTopic, name, k, v});
  }
  for (const auto& [resource, configs] : image.broker_configs)
    for (const auto& [k, v] : configs)
      out.push_back(metadata::ConfigRecord{metadata::ResourceType::kBroker, resource, k, v});
  if (image.next_producer_id > 0) out.push_back(metadata::ProducerIdsRecord{-1, image.next_producer_id});
  return out;
}

Bytes MetadataStateMachine::snapshot() {
  auto records = image_to_records(state_);
  if (records.empty()) return {};
  std::vector<Bytes> values;
  values.reserve(records.size());
  for (const auto& r : records) values.push_back(metadata::encode_record(r));
  model::BatchBuilder builder;
  int64_t now = wall_ms();
  for (const auto& v : values) builder.add(std::nullopt, std::optional<ByteView>(ByteView(v)), now);
  auto batch = builder.build();
  GREGOR_ASSERT(batch.ok());
  return std::move(*batch);
}

Status MetadataStateMachine::restore(raft::SnapshotId id, const Bytes& data) {
  metadata::Image fresh;
  fresh.cluster_id = state_.cluster_id;
  model::BatchIterator it(data);
  while (auto b = it.next()) {
    auto st = model::for_each_record(b->bytes, [&](const model::RecordView& rec) -> Status {
      if (!rec.value) return Status::OK();
      auto decoded = metadata::decode_record(*rec.value);
      if (!decoded.ok()) return decoded.error();
      metadata::apply_record(fresh, *decoded, id.end_offset - 1);
      return Status::OK();
    });
    if (!st.ok()) return st;
  }
  if (it.stop() == model::BatchIterator::Stop::partial || it.stop() == model::BatchIterator::Stop::bad_length)
    return make_error(56, "metadata snapshot is truncated");
  int64_t version = published_ ? int64_t(published_->version) : 0;
  state_ = std::move(fresh);
  state_.version = uint64_t(version);
  applied_end_ = id.end_offset;
  dirty_ = true;
  return Status::OK();
}

}  // namespace gregor::controller
