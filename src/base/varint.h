// Varints as Kafka encodes them: unsigned LEB128 (compact lengths, tagged fields) and
// zig-zag signed varint/varlong (record fields). Decoders are bounds-checked and reject
// encodings longer than 5 (varint) or 10 (varlong) bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/bytes.h"

namespace gregor::varint {

inline void put_uvarint(Bytes& out, uint64_t v) {
  while (v >= 0x80) { out.push_back(uint8_t(v) | 0x80); v >>= 7; }
  out.push_back(uint8_t(v));
}
inline void put_varint(Bytes& out, int32_t v) { put_uvarint(out, uint32_t((uint32_t(v) << 1) ^ uint32_t(v >> 31))); }
inline void put_varlong(Bytes& out, int64_t v) { put_uvarint(out, (uint64_t(v) << 1) ^ uint64_t(v >> 63)); }
inline size_t uvarint_size(uint64_t v) { size_t n = 1; while (v >= 0x80) { v >>= 7; ++n; } return n; }
inline size_t varint_size(int32_t v) { return uvarint_size(uint32_t((uint32_t(v) << 1) ^ uint32_t(v >> 31))); }
inline size_t varlong_size(int64_t v) { return uvarint_size((uint64_t(v) << 1) ^ uint64_t(v >> 63)); }

// Reads an unsigned varint of at most max_bytes from [*p, end); advances *p. nullopt on
// truncation or overlong encoding.
inline std::optional<uint64_t> get_uvarint(const uint8_t** p, const uint8_t* end, int max_bytes) {
  uint64_t v = 0;
  const uint8_t* q = *p;
  for (int i = 0; i < max_bytes; ++i) {
    if (q >= end) return std::nullopt;
    uint8_t b = *q++;
    v |= uint64_t(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) { *p = q; return v; }
  }
  return std::nullopt;
}
inline std::optional<uint32_t> get_uvarint32(const uint8_t** p, const uint8_t* end) {
  auto v = get_uvarint(p, end, 5);
  if (!v || *v > 0xffffffffull) return std::nullopt;
  return uint32_t(*v);
}
inline std::optional<int32_t> get_varint(const uint8_t** p, const uint8_t* end) {
  auto v = get_uvarint32(p, end);
  if (!v) return std::nullopt;
  return int32_t((*v >> 1) ^ -(*v & 1));
}
inline std::optional<int64_t> get_varlong(const uint8_t** p, const uint8_t* end) {
  auto v = get_uvarint(p, end, 10);
  if (!v) return std::nullopt;
  return int64_t((*v >> 1) ^ -(*v & 1));
}

}  // namespace gregor::varint
