// PayloadPool: the record values `gregor perf produce` sends. A pool of at least 8 MiB in which
// runs of 8-23 random upper-case letters A-Z alternate with one of 64 recurring phrases (16-47
// random letters each, fixed per seed); about two thirds of the bytes are phrases. So every
// codec has work to do: in 16 KiB batches of 1 KiB records lz4 and snappy shrink the payload to
// about 55%, gzip and zstd to about 35%. (Pure random letters, as kafka-producer-perf-test
// sends, would not shrink under lz4 or snappy, and librdkafka then sends batches uncompressed.)
// Record i gets record_size bytes starting at a position derived from i, so consecutive records
// differ. The same seed gives the same payloads; pointers stay valid while the pool lives.
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
