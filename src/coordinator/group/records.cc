#include "coordinator/group/records.h"

#include <fmt/format.h>

#include "model/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace gregor::group {

namespace {

constexpr int16_t kOffsetKeyV1 = 1, kGroupKeyV2 = 2;
constexpr int16_t kOffsetValueWithExpire = 1, kOffsetValueCurrent = 3, kOffsetValueMax = 4;
constexpr int16_t kGroupValueCurrent = 3, kGroupValueMax = 4;
constexpr int16_t kCorrupt = int16_t(model::ErrorCode::CORRUPT_MESSAGE);

Bytes done(proto::Writer& w) {
  auto flat = proto::flatten(w.finish());
  return flat.ok() ? std::move(*flat) : Bytes{};  // a Writer of plain bytes always flattens
}

Status check(const proto::Reader& r, const char* what) {
  if (!r.ok()) return make_error(kCorrupt, fmt::format("malformed {}: {}", what, r.error()));
  return Status::OK();
}

// Reads a value's version and rejects versions newer than we understand.
Result<int16_t> value_version(proto::Reader& r, int16_t max, const char* what) {
  int16_t v = r.int16();
  if (!r.ok()) return make_error(kCorrupt, fmt::format("{} too short for its version", what));
  if (v < 0 || v > max) return make_error(kCorrupt, fmt::format("unknown {} version {}", what, v));
  return v;
}

}  // namespace

Bytes encode_offset_key(const std::string& group_id, const TopicPartition& tp) {
  proto::Writer w;
  w.int16(kOffsetKeyV1);
  w.string(group_id, false);
  w.string(tp.topic, false);
  w.int32(tp.partition);
  return done(w);
}

Bytes encode_group_key(const std::string& group_id) {
  proto::Writer w;
  w.int16(kGroupKeyV2);
  w.string(group_id, false);
  return done(w);
}

Bytes encode_offset_value(const CommittedOffset& c) {
  proto::Writer w;
  if (c.expire_timestamp_ms) {
    w.int16(kOffsetValueWithExpire);
    w.int64(c.offset);
    w.string(c.metadata, false);
    w.int64(c.commit_timestamp_ms);
    w.int64(*c.expire_timestamp_ms);
  } else {
    w.int16(kOffsetValueCurrent);
    w.int64(c.offset);
    w.int32(c.leader_epoch);
    w.string(c.metadata, false);
    w.int64(c.commit_timestamp_ms);
  }
  return done(w);
}

Bytes encode_group_value(const GroupMetadata& g) {
  proto::Writer w;
  w.int16(kGroupValueCurrent);
  w.string(g.protocol_type, false);
  w.int32(g.generation_id);
  w.nullable_string(g.protocol_name, false);
  w.nullable_string(g.leader, false);
  w.int64(g.current_state_timestamp_ms);
  w.array_length(g.members.size(), false);
  for (const auto& m : g.members) {
    w.string(m.member_id, false);
    w.nullable_string(m.group_instance_id, false);
    w.string(m.client_id, false);
    w.string(m.client_host, false);
    w.int32(m.rebalance_timeout_ms);
    w.int32(m.session_timeout_ms);
    w.bytes(m.subscription, false);
    w.bytes(m.assignment, false);
  }
  return done(w);
}

Result<RecordKey> decode_key(ByteView key) {
  proto::Reader r(Bytes(key.begin(), key.end()));
  int16_t v = r.int16();
  if (!r.ok()) return make_error(kCorrupt, "__consumer_offsets key shorter than its version");
  if (v == 0 || v == 1) {
    OffsetKey k;
    k.group_id = r.string(false);
    k.tp.topic = r.string(false);
    k.tp.partition = r.int32();
    if (auto s = check(r, "offset commit key"); !s.ok()) return s.error();
    return RecordKey{std::move(k)};
  }
  if (v == 2) {
    GroupKey k;
    k.group_id = r.string(false);
    if (auto s = check(r, "group metadata key"); !s.ok()) return s.error();
    return RecordKey{std::move(k)};
  }
  return RecordKey{OtherKey{v}};
}

Result<CommittedOffset> decode_offset_value(ByteView value) {
  proto::Reader r(Bytes(value.begin(), value.end()));
  auto v = value_version(r, kOffsetValueMax, "offset commit value");
  if (!v.ok()) return v.error();
  const bool flexible = *v >= 4;
  CommittedOffset c;
  c.offset = r.int64();
  if (*v >= 3) c.leader_epoch = r.int32();
  c.metadata = r.string(flexible);
  c.commit_timestamp_ms = r.int64();
  if (*v == 1) c.expire_timestamp_ms = r.int64();
  if (flexible) r.skip_tagged_fields();
  if (auto s = check(r, "offset commit value"); !s.ok()) return s.error();
  if (c.expire_timestamp_ms && *c.expire_timestamp_ms < 0) c.expire_timestamp_ms.reset();
  return c;
}

Result<GroupMetadata> decode_group_value(ByteView value) {
  proto::Reader r(Bytes(value.begin(), value.end()));
  auto v = value_version(r, kGroupValueMax, "group metadata value");
  if (!v.ok()) return v.error();
  const bool flexible = *v >= 4;
  GroupMetadata g;
  g.protocol_type = r.string(flexible);
  g.generation_id = r.int32();
  g.protocol_name = r.nullable_string(flexible);
  g.leader = r.nullable_string(flexible);
  if (*v >= 2) g.current_state_timestamp_ms = r.int64();
  int32_t n = r.array_length(flexible, false);
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    MemberMetadata m;
    m.member_id = r.string(flexible);
    if (*v >= 3) m.group_instance_id = r.nullable_string(flexible);
    m.client_id = r.string(flexible);
    m.client_host = r.string(flexible);
    m.rebalance_timeout_ms = -1;
    if (*v >= 1) m.rebalance_timeout_ms = r.int32();
    m.session_timeout_ms = r.int32();
    if (*v == 0) m.rebalance_timeout_ms = m.session_timeout_ms;
    m.subscription = r.bytes(flexible);
    m.assignment = r.bytes(flexible);
    if (flexible) r.skip_tagged_fields();
    g.members.push_back(std::move(m));
  }
  if (flexible) r.skip_tagged_fields();
  if (auto s = check(r, "group metadata value"); !s.ok()) return s.error();
  return g;
}

int32_t partition_for_group(const std::string& group_id, int32_t partitions) {
  // Java's String.hashCode: h = 31*h + c over UTF-16 code units (int32 wrap-around). Invalid
  // UTF-8 decodes to U+FFFD, as Java's decoder does.
  uint32_t h = 0;
  auto add = [&](uint32_t unit) { h = h * 31u + unit; };
  const auto* s = reinterpret_cast<const uint8_t*>(group_id.data());
  size_t n = group_id.size(), i = 0;
  while (i < n) {
    uint32_t c = s[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    uint32_t cp = 0xFFFD;
    if (len == 1) {
      cp = c;
    } else if (len > 1 && i + len <= n) {
      cp = c & (0x7F >> len);
      bool ok = true;
      for (size_t k = 1; k < len; ++k) {
        if ((s[i + k] & 0xC0) != 0x80) ok = false;
        cp = (cp << 6) | (s[i + k] & 0x3F);
      }
      if (!ok) { cp = 0xFFFD; len = 1; }
    } else {
      len = 1;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      add(0xD800 + (cp >> 10));
      add(0xDC00 + (cp & 0x3FF));
    } else {
      add(cp);
    }
    i += len;
  }
  int32_t hash = int32_t(h);
  int32_t positive = hash == INT32_MIN ? 0 : (hash < 0 ? -hash : hash);
  return partitions > 0 ? positive % partitions : 0;
}

}  // namespace gregor::group
