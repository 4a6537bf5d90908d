// The API table: for every API key with a schema, its name, supported version range, first
// flexible version (kNotFlexible if none) and the listeners that serve it. Generated from src/protocol/schema at build time.
// Thread-safety: immutable data.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace gregor::proto {

inline constexpr int16_t kNotFlexible = INT16_MAX;

// Which listeners serve an API (Kafka's ApiMessageType listeners): client/broker listeners,
// controller listeners, or both.
inline constexpr uint8_t kOnBroker = 1, kOnController = 2;

struct ApiInfo {
  int16_t key;
  std::string_view name;
  int16_t min_version;
  int16_t max_version;
  int16_t flexible_min;  // request and response; kNotFlexible if never flexible
  uint8_t listeners;     // kOnBroker | kOnController
};

// All APIs, sorted by key.
std::span<const ApiInfo> api_table();
// The entry for key, or nullptr if the key has no schema here.
const ApiInfo* find_api(int16_t key);

}  // namespace gregor::proto
