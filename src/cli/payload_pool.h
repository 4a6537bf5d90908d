// PayloadPool: the record values `gregor perf produce` sends. A pool of pseudo-random upper-case
// letters A-Z (about 4.7 bits of entropy per byte, the alphabet kafka-producer-perf-test uses)
// of at least 8 MiB; record i gets record_size bytes starting at a position derived from i, so
// consecutive records differ. Entropy coders (gzip, zstd) shrink such payloads to roughly 60%;
// LZ-only codecs (lz4, snappy) barely at all, unless a batch happens to hold overlapping slices.
// The same seed gives the same payloads. Payload pointers stay valid while the pool lives.
// Thread-safety: immutable after construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gregor::cli {

class PayloadPool {
 public:
  static constexpr size_t kMinPoolBytes = size_t{8} << 20;

  // REQUIRES: record_size > 0
  explicit PayloadPool(size_t record_size, uint64_t seed = 0x6772656730ULL);

  const uint8_t* payload(uint64_t index) const;
  size_t record_size() const { return record_size_; }

 private:
  size_t record_size_;
  std::vector<uint8_t> pool_;
};

}  // namespace gregor::cli
