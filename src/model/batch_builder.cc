#include "model/batch_builder.h"

#include <algorithm>

#include "base/varint.h"

namespace gregor::model {
namespace {

void put_field(Bytes& out, const std::optional<ByteView>& v) {
  if (!v) {
    varint::put_varint(out, -1);
    return;
  }
  varint::put_varint(out, int32_t(v->size()));
  append_bytes(out, v->data(), v->size());
}

}  // namespace

BatchBuilder& BatchBuilder::add(std::optional<ByteView> key, std::optional<ByteView> value, int64_t timestamp,
                                std::vector<Header> headers) {
  if (count_ == 0) {
    first_timestamp_ = timestamp;
    max_timestamp_ = timestamp;
  }
  max_timestamp_ = std::max(max_timestamp_, timestamp);
  Bytes body;
  body.push_back(0);  // attributes: unused
  varint::put_varlong(body, timestamp - first_timestamp_);
  varint::put_varint(body, int32_t(count_));
  put_field(body, key);
  put_field(body, value);
  varint::put_varint(body, int32_t(headers.size()));
  for (const auto& h : headers) {
    put_field(body, ByteView(reinterpret_cast<const uint8_t*>(h.key.data()), h.key.size()));
    put_field(body, h.value ? std::optional<ByteView>(ByteView(*h.value)) : std::nullopt);
  }
  varint::put_varint(records_, int32_t(body.size()));
  records_.insert(records_.end(), body.begin(), body.end());
  ++count_;
  return *this;
}

BatchBuilder& BatchBuilder::add(std::optional<std::string_view> key, std::optional<std::string_view> value,
                                int64_t timestamp) {
  auto view = [](std::optional<std::string_view> s) -> std::optional<ByteView> {
    if (!s) return std::nullopt;
    return ByteView(reinterpret_cast<const uint8_t*>(s->data()), s->size());
  };
  return add(view(key), view(value), timestamp);
}

Result<Bytes> BatchBuilder::build() const {
  GREGOR_ASSERT(count_ > 0);
  auto payload = compress(codec_, records_);
  if (!payload.ok()) return payload.error();
  Bytes out(kBatchHeaderSize);
  out.insert(out.end(), payload->begin(), payload->end());
  uint8_t* p = out.data();
  namespace f = batch_field;
  int16_t attrs = int16_t(codec_);
  if (log_append_time_) attrs |= batch_attr::log_append_time;
  if (transactional_) attrs |= batch_attr::transactional;
  if (control_) attrs |= batch_attr::control;
  store_be64(p + f::base_offset, uint64_t(base_offset_));
  store_be32(p + f::batch_length, uint32_t(out.size() - kLogOverhead));
  store_be32(p + f::partition_leader_epoch, uint32_t(leader_epoch_));
  p[f::magic] = uint8_t(kMagicV2);
  store_be16(p + f::attributes, uint16_t(attrs));
  store_be32(p + f::last_offset_delta, uint32_t(count_ - 1));
  store_be64(p + f::base_timestamp, uint64_t(first_timestamp_));
  store_be64(p + f::max_timestamp, uint64_t(log_append_time_ ? *log_append_time_ : max_timestamp_));
  store_be64(p + f::producer_id, uint64_t(producer_id_));
  store_be16(p + f::producer_epoch, uint16_t(producer_epoch_));
  store_be32(p + f::base_sequence, uint32_t(base_sequence_));
  store_be32(p + f::records_count, uint32_t(count_));
  reseal_crc(out);
  return out;
}

}  // namespace gregor::model
