// Encoding and decoding of metadata records (the layouts are described in records.h).
#include "metadata/records.h"

#include "metadata/record_codec.h"

namespace gregor::metadata {

using namespace codec;  // NOLINT: the codec helpers of this module

namespace {

void encode_partition_change(proto::Writer& w, const PartitionChangeRecord& rec) {
  header(w, kPartitionChangeType);
  w.int32(rec.partition_id);
  w.uuid(rec.topic_id);
  Tags tags;
  auto list = [&](uint32_t tag, const std::optional<std::vector<int32_t>>& v) {
    if (v) int_array(tags.add(tag), *v);
  };
  list(0, rec.isr);
  if (rec.leader != kNoLeaderChange) tags.add(1).int32(rec.leader);
  list(2, rec.replicas);
  list(3, rec.removing_replicas);
  list(4, rec.adding_replicas);
  if (rec.leader_recovery_state != -1) tags.add(5).int8(rec.leader_recovery_state);
  tags.write(w);
}

PartitionChangeRecord decode_partition_change(proto::Reader& r) {
  PartitionChangeRecord rec;
  rec.partition_id = r.int32();
  rec.topic_id = r.uuid();
  read_tags(r, [&](uint32_t tag, proto::Reader& t) {
    switch (tag) {
      case 0: rec.isr = nullable_int_array(t); break;
      case 1: rec.leader = t.int32(); break;
      case 2: rec.replicas = nullable_int_array(t); break;
      case 3: rec.removing_replicas = nullable_int_array(t); break;
      case 4: rec.adding_replicas = nullable_int_array(t); break;
      case 5: rec.leader_recovery_state = t.int8(); break;
      default: break;  // directories, eligible leader replicas: not kept
    }
  });
  return rec;
}

// The newest version of each record type this code decodes.
uint32_t max_version(uint32_t type) {
  switch (type) {
    case kRegisterBrokerType: return 3;
    case kBrokerRegistrationChangeType: return 2;
    case kPartitionChangeType: return 2;
    default: return 0;
  }
}
}  // namespace

Bytes encode_record(const MetadataRecord& record) {
  proto::Writer w;
  bool flexible = true;
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
        } else if constexpr (std::is_same_v<T, ProducerIdsRecord>) {
          header(w, kProducerIdsType);
          w.int32(rec.broker_id);
          w.int64(rec.next_producer_id);
        } else if constexpr (std::is_same_v<T, RegisterBrokerRecord>) {
          encode_register_broker(w, rec);
          flexible = false;  // tags written above
        } else if constexpr (std::is_same_v<T, UnregisterBrokerRecord>) {
          header(w, kUnregisterBrokerType);
          w.int32(rec.broker_id);
          w.int64(rec.broker_epoch);
          flexible = false;
        } else if constexpr (std::is_same_v<T, FenceBrokerRecord> || std::is_same_v<T, UnfenceBrokerRecord>) {
          header(w, std::is_same_v<T, FenceBrokerRecord> ? kFenceBrokerType : kUnfenceBrokerType);
          w.int32(rec.id);
          w.int64(rec.epoch);
          flexible = false;
        } else if constexpr (std::is_same_v<T, BrokerRegistrationChangeRecord>) {
          encode_registration_change(w, rec);
          flexible = false;
        } else {
          static_assert(std::is_same_v<T, PartitionChangeRecord>);
          encode_partition_change(w, rec);
          flexible = false;
        }
      },
      record);
  if (flexible) w.uvarint(0);  // no tagged fields
  return flat(w);
}

Result<MetadataRecord> decode_record(ByteView bytes) {
  proto::Reader r(Bytes(bytes.begin(), bytes.end()));
  uint32_t frame = r.uvarint();
  uint32_t type = r.uvarint();
  uint32_t version = r.uvarint();
  if (!r.ok() || frame != kFrameVersion || version > max_version(type))
    return make_error(2, "metadata record with an unknown frame or version");
  MetadataRecord out;
  bool flexible = true;
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
    case kRegisterBrokerType:
      out = decode_register_broker(r, version);
      flexible = false;
      break;
    case kUnregisterBrokerType: {
      UnregisterBrokerRecord u;
      u.broker_id = r.int32();
      u.broker_epoch = r.int64();
      out = u;
      flexible = false;
      break;
    }
    case kFenceBrokerType:
    case kUnfenceBrokerType: {
      int32_t id = r.int32();
      int64_t epoch = r.int64();
      if (type == kFenceBrokerType) out = FenceBrokerRecord{id, epoch};
      else out = UnfenceBrokerRecord{id, epoch};
      flexible = false;
      break;
    }
    case kBrokerRegistrationChangeType:
      out = decode_registration_change(r);
      flexible = false;
      break;
    case kPartitionChangeType:
      out = decode_partition_change(r);
      flexible = false;
      break;
    default:
      return make_error(2, "unknown metadata record type " + std::to_string(type));
  }
  if (flexible) r.skip_tagged_fields();
  if (!r.ok()) return make_error(2, "malformed metadata record: " + r.error());
  if (!r.at_end()) return make_error(2, "metadata record of type " + std::to_string(type) + " has trailing bytes");
  return out;
}

}  // namespace gregor::metadata
