// Rng: a small deterministic generator (splitmix64) for the generated randomize() methods,
// which fill messages with random values for property tests of the codecs. Not for security.
// Thread-safety: one Rng per thread.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "protocol/uuid.h"

namespace gregor::proto {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n). REQUIRES: n > 0.
  uint32_t below(uint32_t n) { return uint32_t(next() % n); }
  bool one_in(uint32_t n) { return below(n) == 0; }
  bool boolean() { return next() & 1; }
  // Integers: mostly small values, sometimes extremes, so varint and sign paths get exercised.
  int64_t integer() {
    switch (below(4)) {
      case 0: return int64_t(below(8)) - 2;
      case 1: return int64_t(next());
      default: return int64_t(below(100000));
    }
  }
  double float64() { return double(int32_t(next())) / 8.0; }
  std::string string() {
    std::string s(below(7), 'a');
    for (char& c : s) c = char('a' + below(26));
    return s;
  }
  Bytes bytes() {
    Bytes b(below(9));
    for (uint8_t& c : b) c = uint8_t(next());
    return b;
  }
  Uuid uuid() {
    Uuid u;
    if (one_in(5)) return u;
    for (uint8_t& c : u.bytes) c = uint8_t(next());
    return u;
  }

 private:
  uint64_t state_;
};

}  // namespace gregor::proto
