// Writer: encodes Kafka wire primitives. Bytes are appended to an owned buffer; a `records`
// value's parts (shared slices, file slices) are not copied but emitted as separate
// io::OutChunk pieces, so the net layer can writev(2)/sendfile(2) them. finish() hands out the
// chunk list in order.
// Thread-safety: one writer per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "io/file.h"
#include "protocol/records.h"
#include "protocol/uuid.h"

namespace gregor::proto {

class Writer {
 public:
  Writer() = default;

  void boolean(bool v) { buf_.push_back(v ? 1 : 0); }
  void int8(int8_t v) { buf_.push_back(uint8_t(v)); }
  void int16(int16_t v) { append_be16(buf_, uint16_t(v)); }
  void uint16(uint16_t v) { append_be16(buf_, v); }
  void int32(int32_t v) { append_be32(buf_, uint32_t(v)); }
  void uint32(uint32_t v) { append_be32(buf_, v); }
  void int64(int64_t v) { append_be64(buf_, uint64_t(v)); }
  void float64(double v);
  void uuid(const Uuid& v) { buf_.insert(buf_.end(), v.bytes.begin(), v.bytes.end()); }
  void uvarint(uint32_t v);
  void raw(ByteView bytes) { buf_.insert(buf_.end(), bytes.begin(), bytes.end()); }

  // compact = uvarint length+1 (0 = null); else int16 (strings) / int32 (bytes, arrays) length.
  // A non-compact string longer than 32767 bytes is cut to 32767 (its length cannot say more).
  void string(std::string_view s, bool compact);
  void nullable_string(const std::optional<std::string>& s, bool compact);
  void bytes(ByteView b, bool compact);
  void nullable_bytes(const std::optional<Bytes>& b, bool compact);
  void records(const Records& r, bool compact);
  void array_length(size_t n, bool compact);
  void null_array(bool compact);

  // Appends everything another writer produced (used for tagged fields).
  void append(Writer&& other);

  // Total bytes written so far, including external chunks.
  size_t size() const { return done_size_ + buf_.size(); }
  // True when everything written is in the owned buffer (no external chunks).
  bool contiguous() const { return chunks_.empty(); }
  // The owned buffer. REQUIRES: contiguous().
  const Bytes& buffer() const;
  // Overwrites 4 bytes at `offset` of the output with v (a frame size placeholder).
  // REQUIRES: offset + 4 <= size() and the 4 bytes lie in owned bytes written before any chunk.
  void patch_int32(size_t offset, int32_t v);

  // The output as chunks, in order. The writer is empty afterwards.
  io::OutChunks finish();

 private:
  void flush_buffer();

  io::OutChunks chunks_;  // completed chunks before buf_
  size_t done_size_ = 0;  // bytes in chunks_
  Bytes buf_;
};

// Concatenates chunks into one buffer (file slices read with pread). For tests and tools.
Result<Bytes> flatten(const io::OutChunks& chunks);

}  // namespace gregor::proto
