#include "cli/payload_pool.h"

#include <algorithm>

#include "base/assert.h"

namespace gregor::cli {
namespace {

// SplitMix64: a small, well-mixed generator; also used to hash record indexes to positions.
uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

PayloadPool::PayloadPool(size_t record_size, uint64_t seed) : record_size_(record_size) {
  GREGOR_ASSERT(record_size > 0);
  pool_.resize(std::max(kMinPoolBytes, 4 * record_size));
  uint64_t state = seed;
  for (size_t i = 0; i < pool_.size(); i += 8) {
    uint64_t r = splitmix64(state++);
    for (size_t j = i; j < std::min(i + 8, pool_.size()); ++j) {
      pool_[j] = static_cast<uint8_t>('A' + (r & 0xff) % 26);
      r >>= 8;
    }
  }
}

const uint8_t* PayloadPool::payload(uint64_t index) const {
  const size_t positions = pool_.size() - record_size_ + 1;
  return pool_.data() + splitmix64(index) % positions;
}

}  // namespace gregor::cli
