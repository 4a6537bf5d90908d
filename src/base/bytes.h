// Byte buffers: owned byte vectors, read-only views, and SharedSlice, a view that keeps
// its backing buffer alive (so a Produce request's records can be handed to the log
// without a copy). Big-endian load/store helpers for wire and disk formats.
// Thread-safety: SharedSlice may be passed between shards; its bytes are never mutated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace gregor {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

class SharedSlice {
 public:
  SharedSlice() = default;
  SharedSlice(std::shared_ptr<const Bytes> owner, size_t offset, size_t size)
      : owner_(std::move(owner)), offset_(offset), size_(size) {}
  explicit SharedSlice(Bytes bytes) {
    size_ = bytes.size();
    owner_ = std::make_shared<const Bytes>(std::move(bytes));
  }
  const uint8_t* data() const { return owner_ ? owner_->data() + offset_ : nullptr; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ByteView view() const { return {data(), size_}; }
  SharedSlice sub(size_t off, size_t len) const { return SharedSlice(owner_, offset_ + off, len); }
  bool operator==(const SharedSlice& o) const {
    return size_ == o.size_ && (size_ == 0 || std::memcmp(data(), o.data(), size_) == 0);
  }

 private:
  std::shared_ptr<const Bytes> owner_;
  size_t offset_ = 0;
  size_t size_ = 0;
};

inline uint16_t load_be16(const uint8_t* p) { return uint16_t(p[0]) << 8 | p[1]; }
inline uint32_t load_be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
inline uint64_t load_be64(const uint8_t* p) { return uint64_t(load_be32(p)) << 32 | load_be32(p + 4); }
inline void store_be16(uint8_t* p, uint16_t v) { p[0] = v >> 8; p[1] = uint8_t(v); }
inline void store_be32(uint8_t* p, uint32_t v) {
  p[0] = v >> 24; p[1] = uint8_t(v >> 16); p[2] = uint8_t(v >> 8); p[3] = uint8_t(v);
}
inline void store_be64(uint8_t* p, uint64_t v) { store_be32(p, uint32_t(v >> 32)); store_be32(p + 4, uint32_t(v)); }

inline void append_be16(Bytes& b, uint16_t v) { uint8_t t[2]; store_be16(t, v); b.insert(b.end(), t, t + 2); }
inline void append_be32(Bytes& b, uint32_t v) { uint8_t t[4]; store_be32(t, v); b.insert(b.end(), t, t + 4); }
inline void append_be64(Bytes& b, uint64_t v) { uint8_t t[8]; store_be64(t, v); b.insert(b.end(), t, t + 8); }
inline void append_bytes(Bytes& b, const void* p, size_t n) {
  auto* c = static_cast<const uint8_t*>(p);
  b.insert(b.end(), c, c + n);
}

}  // namespace gregor
