// Codecs of the broker records: RegisterBrokerRecord (type 0, v0-3) and
// BrokerRegistrationChangeRecord (type 17, v0-2); see records.h and record_codec.h.
#include "metadata/record_codec.h"

namespace gregor::metadata::codec {

void encode_register_broker(proto::Writer& w, const RegisterBrokerRecord& rec) {
  header(w, kRegisterBrokerType, kRegisterBrokerVersion);
  w.int32(rec.broker_id);
  w.boolean(rec.is_migrating_zk_broker);
  w.uuid(rec.incarnation_id);
  w.int64(rec.broker_epoch);
  w.array_length(rec.endpoints.size(), true);
  for (const auto& e : rec.endpoints) {
    w.string(e.name, true);
    w.string(e.host, true);
    w.uint16(uint16_t(e.port));
    w.int16(e.security_protocol);
    w.uvarint(0);
  }
  w.array_length(rec.features.size(), true);
  for (const auto& f : rec.features) {
    w.string(f.name, true);
    w.int16(f.min_supported_version);
    w.int16(f.max_supported_version);
    w.uvarint(0);
  }
  w.nullable_string(rec.rack, true);
  w.boolean(rec.fenced);
  w.boolean(rec.in_controlled_shutdown);
  Tags tags;
  if (!rec.log_dirs.empty()) {
    auto& t = tags.add(0);
    t.array_length(rec.log_dirs.size(), true);
    for (const auto& d : rec.log_dirs) t.uuid(d);
  }
  tags.write(w);
}

RegisterBrokerRecord decode_register_broker(proto::Reader& r, uint32_t version) {
  RegisterBrokerRecord rec;
  rec.broker_id = r.int32();
  if (version >= 2) rec.is_migrating_zk_broker = r.boolean();
  rec.incarnation_id = r.uuid();
  rec.broker_epoch = r.int64();
  int32_t n = r.array_length(true, false);
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    Endpoint e;
    e.name = r.string(true);
    e.host = r.string(true);
    e.port = r.uint16();
    e.security_protocol = r.int16();
    r.skip_tagged_fields();
    rec.endpoints.push_back(std::move(e));
  }
  n = r.array_length(true, false);
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    BrokerFeature f;
    f.name = r.string(true);
    f.min_supported_version = r.int16();
    f.max_supported_version = r.int16();
    r.skip_tagged_fields();
    rec.features.push_back(std::move(f));
  }
  rec.rack = r.nullable_string(true);
  rec.fenced = r.boolean();
  if (version >= 1) rec.in_controlled_shutdown = r.boolean();
  read_tags(r, [&](uint32_t tag, proto::Reader& t) {
    if (tag != 0 || version < 3) return;
    int32_t dirs = t.array_length(true, false);
    for (int32_t i = 0; i < dirs && t.ok(); ++i) rec.log_dirs.push_back(t.uuid());
  });
  return rec;
}

void encode_registration_change(proto::Writer& w, const BrokerRegistrationChangeRecord& rec) {
  header(w, kBrokerRegistrationChangeType, kBrokerRegistrationChangeVersion);
  w.int32(rec.broker_id);
  w.int64(rec.broker_epoch);
  Tags tags;
  if (rec.fenced != FencingChange::kNone) tags.add(0).int8(int8_t(rec.fenced));
  if (rec.in_controlled_shutdown) tags.add(1).int8(1);
  tags.write(w);
}

BrokerRegistrationChangeRecord decode_registration_change(proto::Reader& r) {
  BrokerRegistrationChangeRecord rec;
  rec.broker_id = r.int32();
  rec.broker_epoch = r.int64();
  read_tags(r, [&](uint32_t tag, proto::Reader& t) {
    if (tag == 0) {
      int8_t v = t.int8();
      if (v < -1 || v > 1) t.fail("invalid fencing change");
      rec.fenced = FencingChange(v);
    } else if (tag == 1) {
      rec.in_controlled_shutdown = t.int8() == 1;
    }
  });
  return rec;
}

}  // namespace gregor::metadata::codec
