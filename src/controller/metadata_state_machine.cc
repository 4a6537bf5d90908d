#include "controller/metadata_state_machine.h"

#include <fmt/format.h>

#include <optional>
#include <utility>

#include "base/clock.h"
#include "base/log.h"
#include "model/batch_builder.h"
#include "model/batch_iterator.h"
#include "model/error_code.h"
#include "model/record_batch.h"
#include "model/record.h"

namespace gregor::controller {

using metadata::MetadataRecord;

MetadataStateMachine::MetadataStateMachine(std::string cluster_id) { state_.cluster_id = std::move(cluster_id); }

namespace {
Error replay_error(int64_t offset, const std::string& why) {
  return make_error(int16_t(model::ErrorCode::CORRUPT_MESSAGE),
                    fmt::format("metadata replay stopped at offset {} of __cluster_metadata-0: {}. Skipping it "
                                "would leave topics, partitions or brokers out of this node's view, so the node "
                                "stops. If a metadata log file is damaged: in a quorum of several voters, stop "
                                "this node, delete its __cluster_metadata-0 directory and restart it (it fetches "
                                "the log from the leader); a single node has no other copy: restore the directory "
                                "from a backup",
                                offset, why));
}
}  // namespace

Status MetadataStateMachine::apply(const raft::LogBatch& batch) {
  // Kafka checks the CRC of every batch it replays (RecordsIterator with CRC validation): a
  // closed segment is not rescanned on start, so a flipped byte shows up only here.
  if (auto s = model::validate_batch(batch.data, {.check_records = false}); !s.ok())
    return replay_error(batch.base_offset, s.error().message);
  if (batch.control) {
    applied_end_ = batch.last_offset + 1;
    return Status::OK();
  }
  // Records are decoded before any is applied, so a refused batch leaves the image as it was.
  std::vector<std::pair<int64_t, metadata::MetadataRecord>> records;
  int64_t offset = batch.base_offset;
  std::optional<Error> bad;
  auto st = model::for_each_record(batch.data, [&](const model::RecordView& rec) -> Status {
    int64_t at = offset++;
    if (!rec.value) return Status::OK();
    auto decoded = metadata::decode_record(*rec.value);
    if (!decoded.ok()) {
      bad = replay_error(at, decoded.error().message);
      return *bad;
    }
    records.emplace_back(at, std::move(*decoded));
    return Status::OK();
  });
  if (bad) return *bad;
  if (!st.ok()) return replay_error(batch.base_offset, st.error().message);
  for (const auto& [at, r] : records) metadata::apply_record(state_, r, at);
  records_applied_ += records.size();
  if (!records.empty()) dirty_ = true;
  applied_end_ = batch.last_offset + 1;
  return Status::OK();
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
