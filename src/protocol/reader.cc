#include "protocol/reader.h"

#include <cstring>

#include "base/varint.h"

namespace gregor::proto {

void Reader::fail(std::string_view message) {
  if (error_.empty()) error_ = message.empty() ? "decode error" : std::string(message);
  pos_ = data_.size();
}

const uint8_t* Reader::take(size_t n) {
  if (!ok()) return nullptr;
  if (n > remaining()) {
    fail("truncated input");
    return nullptr;
  }
  const uint8_t* p = data_.data() + pos_;
  pos_ += n;
  return p;
}

uint8_t Reader::uint8() {
  const uint8_t* p = take(1);
  return p ? *p : 0;
}
uint16_t Reader::uint16() {
  const uint8_t* p = take(2);
  return p ? load_be16(p) : 0;
}
uint32_t Reader::uint32() {
  const uint8_t* p = take(4);
  return p ? load_be32(p) : 0;
}
int64_t Reader::int64() {
  const uint8_t* p = take(8);
  return p ? int64_t(load_be64(p)) : 0;
}
double Reader::float64() {
  uint64_t bits = uint64_t(int64());
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}
Uuid Reader::uuid() {
  Uuid u;
  if (const uint8_t* p = take(16)) std::memcpy(u.bytes.data(), p, 16);
  return u;
}

uint32_t Reader::uvarint() {
  if (!ok()) return 0;
  const uint8_t* p = data_.data() + pos_;
  const uint8_t* end = data_.data() + data_.size();
  auto v = varint::get_uvarint32(&p, end);
  if (!v) {
    fail("truncated or overlong varint");
    return 0;
  }
  pos_ = size_t(p - data_.data());
  return *v;
}

int64_t Reader::length(bool compact, bool wide, bool nullable, const char* what) {
  int64_t n;
  if (compact) {
    uint32_t v = uvarint();
    if (!ok()) return -2;
    n = int64_t(v) - 1;
  } else {
    n = wide ? int64_t(int32()) : int64_t(int16());
    if (!ok()) return -2;
  }
  if (n == -1) {
    if (nullable) return -1;
    fail(std::string("null ") + what + " in a non-nullable field");
    return -2;
  }
  if (n < 0) {
    fail(std::string("negative ") + what + " length");
    return -2;
  }
  if (uint64_t(n) > remaining()) {
    fail(std::string(what) + " length beyond the end of input");
    return -2;
  }
  return n;
}

std::optional<std::string> Reader::nullable_string(bool compact, bool nullable) {
  int64_t n = length(compact, false, nullable, "string");
  if (n < 0) return std::nullopt;
  const uint8_t* p = take(size_t(n));
  return std::string(reinterpret_cast<const char*>(p), size_t(n));
}

std::string Reader::string(bool compact) {
  auto s = nullable_string(compact, false);
  return s ? std::move(*s) : std::string();
}

std::optional<Bytes> Reader::nullable_bytes(bool compact, bool nullable) {
  int64_t n = length(compact, true, nullable, "bytes");
  if (n < 0) return std::nullopt;
  const uint8_t* p = take(size_t(n));
  return Bytes(p, p + n);
}

Bytes Reader::bytes(bool compact) {
  auto b = nullable_bytes(compact, false);
  return b ? std::move(*b) : Bytes();
}

Records Reader::records(bool compact, bool nullable) {
  int64_t n = length(compact, true, nullable, "records");
  if (n == -1) return Records::null();
  if (n < 0) return Records();
  Records r;
  r.append(data_.sub(pos_, size_t(n)));
  pos_ += size_t(n);
  return r;
}

int32_t Reader::array_length(bool compact, bool nullable) {
  int64_t n = length(compact, true, nullable, "array");
  return n < -1 ? 0 : int32_t(n);
}

void Reader::skip(size_t n) { take(n); }

void Reader::skip_tagged_fields() {
  const uint32_t count = uvarint();
  for (uint32_t i = 0; i < count && ok(); ++i) {
    uvarint();  // tag
    const uint32_t size = uvarint();
    skip(size);
  }
}

Reader Reader::sub(size_t n) {
  if (!ok() || n > remaining()) {
    fail("truncated input");
    Reader r{SharedSlice()};
    r.fail(error_);
    return r;
  }
  Reader r(data_.sub(pos_, n));
  pos_ += n;
  return r;
}

}  // namespace gregor::proto
