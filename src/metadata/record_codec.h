// Internal to the metadata module: the pieces the metadata-record codecs share (frame header,
// int32 arrays, tagged-field sections) and the codecs of the broker records, which live in
// broker_record_codec.cc. Not for use outside src/metadata.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "metadata/records.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace gregor::metadata::codec {

inline constexpr uint32_t kFrameVersion = 1;
inline constexpr uint32_t kRegisterBrokerType = 0, kUnregisterBrokerType = 1, kTopicType = 2, kPartitionType = 3,
                          kConfigType = 4, kPartitionChangeType = 5, kFenceBrokerType = 7, kUnfenceBrokerType = 8,
                          kRemoveTopicType = 9, kProducerIdsType = 15, kBrokerRegistrationChangeType = 17;
inline constexpr uint32_t kRegisterBrokerVersion = 3, kBrokerRegistrationChangeVersion = 1;


inline void int_array(proto::Writer& w, const std::vector<int32_t>& v) {
  w.array_length(v.size(), true);
  for (int32_t x : v) w.int32(x);
}
inline std::vector<int32_t> int_array(proto::Reader& r) {
  int32_t n = r.array_length(true, false);
  std::vector<int32_t> out;
  for (int32_t i = 0; i < n && r.ok(); ++i) out.push_back(r.int32());
  return out;
}
inline void header(proto::Writer& w, uint32_t type, uint32_t version = 0) {
  w.uvarint(kFrameVersion);
  w.uvarint(type);
  w.uvarint(version);
}
inline Bytes flat(proto::Writer& w) {
  Bytes out;
  for (auto& c : w.finish()) {
    const auto& b = std::get<Bytes>(c);
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

// A tagged-field section: fields in ascending tag order, each as tag, size, bytes.
class Tags {
 public:
  proto::Writer& add(uint32_t tag) { return fields_[tag]; }
  void write(proto::Writer& w) {
    w.uvarint(uint32_t(fields_.size()));
    for (auto& [tag, fw] : fields_) {
      Bytes b = flat(fw);
      w.uvarint(tag);
      w.uvarint(uint32_t(b.size()));
      w.raw(b);
    }
  }

 private:
  std::map<uint32_t, proto::Writer> fields_;
};

// Reads a tagged-field section, handing each field's bytes to on_tag(tag, reader); unknown
// tags are skipped by on_tag simply not reading.
template <class F>
inline void read_tags(proto::Reader& r, F&& on_tag) {
  uint32_t n = r.uvarint();
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    uint32_t tag = r.uvarint();
    uint32_t size = r.uvarint();
    if (!r.ok() || size > r.remaining()) { r.fail("tagged field longer than the record"); return; }
    proto::Reader sub = r.sub(size);
    on_tag(tag, sub);
    if (!sub.ok()) r.fail("malformed tagged field " + std::to_string(tag) + ": " + sub.error());
  }
}

inline std::optional<std::vector<int32_t>> nullable_int_array(proto::Reader& r) {
  int32_t n = r.array_length(true, true);
  if (n < 0) return std::nullopt;
  std::vector<int32_t> out;
  for (int32_t i = 0; i < n && r.ok(); ++i) out.push_back(r.int32());
  return out;
}

// Broker records (broker_record_codec.cc). Each encoder writes the whole record, frame header
// and tagged-field section included; each decoder reads the fields after the frame header.
void encode_register_broker(proto::Writer& w, const RegisterBrokerRecord& rec);
RegisterBrokerRecord decode_register_broker(proto::Reader& r, uint32_t version);
void encode_registration_change(proto::Writer& w, const BrokerRegistrationChangeRecord& rec);
BrokerRegistrationChangeRecord decode_registration_change(proto::Reader& r);

}  // namespace gregor::metadata::codec
