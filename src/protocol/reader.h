// Reader: bounds-checked decoding of Kafka wire primitives from a SharedSlice.
// Errors are sticky: the first failure records a message, every later read returns a zero
// value, and ok() stays false; generated decoders check ok() once at the end. The reader never
// allocates more than the remaining input justifies: lengths and array counts beyond the
// remaining bytes, negative lengths other than -1 (null), and varints longer than 5 bytes are
// errors. `records` values are sub-slices of the input (no copy; they keep the buffer alive).
// Thread-safety: one reader per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "protocol/records.h"
#include "protocol/uuid.h"

namespace gregor::proto {

class Reader {
 public:
  explicit Reader(SharedSlice data) : data_(std::move(data)) {}
  explicit Reader(Bytes bytes) : data_(std::move(bytes)) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // Records the first error; later calls keep the first message.
  void fail(std::string_view message);

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

  bool boolean() { return uint8() != 0; }
  int8_t int8() { return int8_t(uint8()); }
  uint8_t uint8();
  int16_t int16() { return int16_t(uint16()); }
  uint16_t uint16();
  int32_t int32() { return int32_t(uint32()); }
  uint32_t uint32();
  int64_t int64();
  double float64();
  Uuid uuid();
  // Unsigned varint of at most 5 bytes (32 bits).
  uint32_t uvarint();

  // Strings: compact = uvarint length+1 (0 = null), else int16 length (-1 = null).
  // A null where `nullable` is false is an error.
  std::optional<std::string> nullable_string(bool compact, bool nullable = true);
  std::string string(bool compact);
  // Bytes: compact = uvarint length+1, else int32 length.
  std::optional<Bytes> nullable_bytes(bool compact, bool nullable = true);
  Bytes bytes(bool compact);
  // Records: like bytes, returned as a sub-slice of the input.
  Records records(bool compact, bool nullable);
  // Array count: -1 for null (an error unless nullable). A count larger than the remaining
  // bytes is an error (every element takes at least one byte in practice).
  int32_t array_length(bool compact, bool nullable);

  void skip(size_t n);
  // Skips a tagged-field section whose tags are all unknown to the caller.
  void skip_tagged_fields();
  // A reader over the next n bytes (sharing the buffer); this reader moves past them.
  Reader sub(size_t n);

 private:
  // Length prefix: returns -1 for null, -2 after an error.
  int64_t length(bool compact, bool wide, bool nullable, const char* what);
  const uint8_t* take(size_t n);

  SharedSlice data_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace gregor::proto
