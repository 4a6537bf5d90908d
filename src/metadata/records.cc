#include "metadata/records.h"

#include <algorithm>

#include "protocol/reader.h"
#include "protocol/writer.h"

namespace gregor::metadata {

namespace {
constexpr uint32_t kFrameVersion = 1;
constexpr uint32_t kTopicType = 2, kPartitionType = 3, kConfigType = 4, kRemoveTopicType = 9, kProducerIdsType = 15;

void int_array(proto::Writer& w, const std::vector<int32_t>& v) {
  w.array_length(v.size(), true);
  for (int32_t x : v) w.int32(x);
}
std::vector<int32_t> int_array(proto::Reader& r) {
  int32_t n = r.array_length(true, false);
  std::vector<int32_t> out;
  for (int32_t i = 0; i < n && r.ok(); ++i) out.push_back(r.int32());
  return out;
}
void header(proto::Writer& w, uint32_t type) {
  w.uvarint(kFrameVersion);
  w.uvarint(type);
  w.uvarint(0);  // record version
}
}  // namespace

Bytes encode_record(const MetadataRecord& record) {
  proto::Writer w;
  std::visit(
      [&](const auto& rec) {
        using T = std::decay_t<decltype(rec)>;
        if constexpr (std::is_same_v<T, TopicRecord>) {
          header(w, kTopicType);
          w.string(rec.name, true);
          w.uuid(rec.topic_id);
        } else if constexpr (std::is_same_v<T, PartitionRecord>) {
          header(w, kPartitionType);
          w.int32(rec.partition_id);
          w.uuid(rec.topic_id);
          int_array(w, rec.replicas);
          int_array(w, rec.isr);
          w.int32(rec.leader);
          w.int32(rec.leader_epoch);
          w.int32(rec.partition_epoch);
        } else if constexpr (std::is_same_v<T, ConfigRecord>) {
          header(w, kConfigType);
          w.int8(int8_t(rec.resource_type));
          w.string(rec.resource_name, true);
          w.string(rec.name, true);
          w.nullable_string(rec.value, true);
        } else if constexpr (std::is_same_v<T, RemoveTopicRecord>) {
          header(w, kRemoveTopicType);
          w.uuid(rec.topic_id);
        } else {
          header(w, kProducerIdsType);
          w.int32(rec.broker_id);
          w.int64(rec.next_producer_id);
        }
      },
      record);
  w.uvarint(0);  // no tagged fields
  Bytes out;
  for (auto& c : w.finish()) {
    const auto& b = std::get<Bytes>(c);
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

Result<MetadataRecord> decode_record(ByteView bytes) {
  proto::Reader r(Bytes(bytes.begin(), bytes.end()));
  uint32_t frame = r.uvarint();
  uint32_t type = r.uvarint();
  uint32_t version = r.uvarint();
  if (!r.ok() || frame != kFrameVersion || version != 0)
    return make_error(2, "metadata record with an unknown frame or version");
  MetadataRecord out;
  switch (type) {
    case kTopicType: {
      TopicRecord t;
      t.name = r.string(true);
      t.topic_id = r.uuid();
      out = t;
      break;
    }
    case kPartitionType: {
      PartitionRecord p;
      p.partition_id = r.int32();
      p.topic_id = r.uuid();
      p.replicas = int_array(r);
      p.isr = int_array(r);
      p.leader = r.int32();
      p.leader_epoch = r.int32();
      p.partition_epoch = r.int32();
      out = p;
      break;
    }
    case kConfigType: {
      ConfigRecord c;
      c.resource_type = ResourceType(r.int8());
      c.resource_name = r.string(true);
      c.name = r.string(true);
      c.value = r.nullable_string(true);
      out = c;
      break;
    }
    case kRemoveTopicType: {
      RemoveTopicRecord t;
      t.topic_id = r.uuid();
      out = t;
      break;
    }
    case kProducerIdsType: {
      ProducerIdsRecord p;
      p.broker_id = r.int32();
      p.next_producer_id = r.int64();
      out = p;
      break;
    }
    default:
      return make_error(2, "unknown metadata record type " + std::to_string(type));
  }
  r.uvarint();  // tagged field count (none known)
  if (!r.ok()) return make_error(2, "malformed metadata record: " + r.error());
  return out;
}

void apply_record(Image& image, const MetadataRecord& record) {
  std::visit(
      [&](const auto& rec) {
        using T = std::decay_t<decltype(rec)>;
        if constexpr (std::is_same_v<T, TopicRecord>) {
          TopicInfo& t = image.topics[rec.name];
          t.name = rec.name;
          t.id = rec.topic_id;
          t.internal = is_internal_topic(rec.name);
          image.topic_names[rec.topic_id] = rec.name;
        } else if constexpr (std::is_same_v<T, PartitionRecord>) {
          auto it = image.topic_names.find(rec.topic_id);
          if (it == image.topic_names.end()) return;
          TopicInfo& t = image.topics[it->second];
          if (rec.partition_id < 0) return;
          if (size_t(rec.partition_id) >= t.partitions.size()) t.partitions.resize(size_t(rec.partition_id) + 1);
          PartitionInfo& p = t.partitions[size_t(rec.partition_id)];
          p.replicas = rec.replicas;
          p.isr = rec.isr;
          p.leader = rec.leader;
          p.leader_epoch = rec.leader_epoch;
          p.partition_epoch = rec.partition_epoch;
        } else if constexpr (std::is_same_v<T, ConfigRecord>) {
          ConfigMap* target = nullptr;
          if (rec.resource_type == ResourceType::kTopic) {
            auto it = image.topics.find(rec.resource_name);
            if (it == image.topics.end()) return;
            target = &it->second.configs;
          } else if (rec.resource_type == ResourceType::kBroker) {
            target = &image.broker_configs[rec.resource_name];
          } else {
            return;
          }
          if (rec.value) (*target)[rec.name] = *rec.value;
          else target->erase(rec.name);
        } else if constexpr (std::is_same_v<T, RemoveTopicRecord>) {
          auto it = image.topic_names.find(rec.topic_id);
          if (it == image.topic_names.end()) return;
          image.topics.erase(it->second);
          image.topic_names.erase(it);
        } else {
          image.next_producer_id = std::max(image.next_producer_id, rec.next_producer_id);
        }
      },
      record);
}

}  // namespace gregor::metadata
