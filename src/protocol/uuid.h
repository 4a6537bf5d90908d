// Uuid: Kafka's 128-bit id (topic ids, directory ids), 16 raw bytes on the wire.
// The all-zero value is Kafka's ZERO_UUID ("no id"). to_string() gives Kafka's textual form
// (URL-safe base64 without padding, 22 characters).
// Thread-safety: plain value type.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace gregor::proto {

struct Uuid {
  std::array<uint8_t, 16> bytes{};

  bool is_zero() const {
    for (uint8_t b : bytes) if (b != 0) return false;
    return true;
  }
  std::string to_string() const {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (uint8_t b : bytes) {
      acc = (acc << 8) | b;
      bits += 8;
      while (bits >= 6) { bits -= 6; out.push_back(kAlphabet[(acc >> bits) & 63]); }
    }
    if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
    return out;
  }
  bool operator==(const Uuid&) const = default;
};

}  // namespace gregor::proto
