#include "cli/payload_pool.h"

#include <algorithm>

#include "base/assert.h"
#include "base/splitmix.h"

namespace gregor::cli {
PayloadPool::PayloadPool(size_t record_size, uint64_t seed) : record_size_(record_size) {
  GREGOR_ASSERT(record_size > 0);
  constexpr size_t kPhrases = 64;
  uint64_t state = seed;
  auto next = [&state] { return splitmix64(state++); };
  auto letters = [&next](size_t n, std::vector<uint8_t>& out) {
    for (size_t i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>('A' + next() % 26));
  };
  std::vector<std::vector<uint8_t>> phrases(kPhrases);
  for (auto& phrase : phrases) letters(16 + next() % 32, phrase);

  const size_t size = std::max(kMinPoolBytes, 4 * record_size);
  pool_.reserve(size + 64);
  while (pool_.size() < size) {
    letters(8 + next() % 16, pool_);
    const auto& phrase = phrases[next() % kPhrases];
    pool_.insert(pool_.end(), phrase.begin(), phrase.end());
  }
  pool_.resize(size);
}

const uint8_t* PayloadPool::payload(uint64_t index) const {
  const size_t positions = pool_.size() - record_size_ + 1;
  return pool_.data() + splitmix64(index) % positions;
}

}  // namespace gregor::cli
