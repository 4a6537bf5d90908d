#include "coordinator/group/consumer_protocol.h"

#include <algorithm>

#include "model/error_code.h"

namespace gregor::group {

namespace {

class Reader {
 public:
  explicit Reader(ByteView b) : b_(b) {}
  bool ok() const { return ok_; }
  int16_t i16() { return static_cast<int16_t>(need(2) ? load_be16(take(2)) : 0); }
  int32_t i32() { return static_cast<int32_t>(need(4) ? load_be32(take(4)) : 0); }
  std::optional<std::string> nullable_string() {
    int16_t n = i16();
    if (n < 0 || !ok_) return std::nullopt;
    if (!need(static_cast<size_t>(n))) return std::nullopt;
    const uint8_t* p = take(static_cast<size_t>(n));
    return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
  }
  std::string string() {
    auto s = nullable_string();
    if (!s) ok_ = false;
    return s.value_or("");
  }
  std::optional<Bytes> nullable_bytes() {
    int32_t n = i32();
    if (n < 0 || !ok_) return std::nullopt;
    if (!need(static_cast<size_t>(n))) return std::nullopt;
    const uint8_t* p = take(static_cast<size_t>(n));
    return Bytes(p, p + n);
  }
  // An array count, sanity-checked against the bytes left (each element takes >= min_size).
  int32_t count(size_t min_size) {
    int32_t n = i32();
    if (n < 0 || static_cast<size_t>(n) * min_size > b_.size() - pos_) ok_ = false;
    return ok_ ? n : 0;
  }

 private:
  bool need(size_t n) {
    if (!ok_ || b_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  const uint8_t* take(size_t n) {
    const uint8_t* p = b_.data() + pos_;
    pos_ += n;
    return p;
  }
  ByteView b_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void put_string(Bytes& b, const std::string& s) {
  append_be16(b, static_cast<uint16_t>(s.size()));
  append_bytes(b, s.data(), s.size());
}

}  // namespace

Result<Subscription> parse_subscription(ByteView bytes) {
  Reader r(bytes);
  Subscription s;
  s.version = r.i16();
  if (!r.ok() || s.version < 0) {
    return model::make_error(model::ErrorCode::INCONSISTENT_GROUP_PROTOCOL, "bad subscription version");
  }
  int32_t n = r.count(2);
  for (int32_t i = 0; i < n && r.ok(); ++i) s.topics.push_back(r.string());
  s.user_data = r.nullable_bytes();
  if (s.version >= 1) {
    int32_t np = r.count(6);
    for (int32_t i = 0; i < np && r.ok(); ++i) {
      OwnedPartitions op;
      op.topic = r.string();
      int32_t k = r.count(4);
      for (int32_t j = 0; j < k && r.ok(); ++j) op.partitions.push_back(r.i32());
      s.owned_partitions.push_back(std::move(op));
    }
  }
  if (s.version >= 2) s.generation_id = r.i32();
  if (s.version >= 3) s.rack_id = r.nullable_string();
  if (!r.ok()) return model::make_error(model::ErrorCode::INCONSISTENT_GROUP_PROTOCOL, "truncated subscription");
  return s;
}

Bytes encode_subscription(const Subscription& s) {
  Bytes b;
  append_be16(b, static_cast<uint16_t>(s.version));
  append_be32(b, static_cast<uint32_t>(s.topics.size()));
  for (const auto& t : s.topics) put_string(b, t);
  if (s.user_data) {
    append_be32(b, static_cast<uint32_t>(s.user_data->size()));
    append_bytes(b, s.user_data->data(), s.user_data->size());
  } else {
    append_be32(b, 0xffffffffu);
  }
  if (s.version >= 1) {
    append_be32(b, static_cast<uint32_t>(s.owned_partitions.size()));
    for (const auto& op : s.owned_partitions) {
      put_string(b, op.topic);
      append_be32(b, static_cast<uint32_t>(op.partitions.size()));
      for (int32_t p : op.partitions) append_be32(b, static_cast<uint32_t>(p));
    }
  }
  if (s.version >= 2) append_be32(b, static_cast<uint32_t>(s.generation_id));
  if (s.version >= 3) {
    if (s.rack_id) {
      put_string(b, *s.rack_id);
    } else {
      append_be16(b, 0xffff);
    }
  }
  return b;
}

}  // namespace gregor::group
