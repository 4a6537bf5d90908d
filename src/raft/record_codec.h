// Packing of a batch's records into LogBatch::data for the in-memory log and tests:
// u32 count, then per record u32 length and bytes (big-endian). unpack_records validates
// lengths and returns nullopt on malformed input. The real log adapter uses Kafka record
// batches instead. Thread-safety: pure functions.
#pragma once

#include <optional>
#include <vector>

#include "base/bytes.h"

namespace gregor::raft {

inline Bytes pack_records(const std::vector<Bytes>& records) {
  Bytes out;
  append_be32(out, uint32_t(records.size()));
  for (const Bytes& r : records) {
    append_be32(out, uint32_t(r.size()));
    append_bytes(out, r.data(), r.size());
  }
  return out;
}

inline std::optional<std::vector<Bytes>> unpack_records(ByteView data) {
  if (data.size() < 4) return std::nullopt;
  uint32_t n = load_be32(data.data());
  size_t pos = 4;
  std::vector<Bytes> out;
  for (uint32_t i = 0; i < n; ++i) {
    if (data.size() - pos < 4) return std::nullopt;
    uint32_t len = load_be32(data.data() + pos);
    pos += 4;
    if (data.size() - pos < len) return std::nullopt;
    out.emplace_back(data.begin() + pos, data.begin() + pos + len);
    pos += len;
  }
  if (pos != data.size()) return std::nullopt;
  return out;
}

}  // namespace gregor::raft
