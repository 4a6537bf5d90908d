// SplitMix64: a small, well-mixed, deterministic 64-bit mixing function, for seeded generators
// and for hashing indexes to positions. Not for anything security-related.
#pragma once

#include <cstdint>

namespace gregor {

inline uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace gregor
