#include "model/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string_view>

namespace gregor::model {
namespace {

ByteView view(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

TEST(Crc32c, MatchesKnownVectors) {
  EXPECT_EQ(crc32c(view("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c(ByteView{}), 0u);
  Bytes zeros(32, 0), ones(32, 0xff), inc(32), dec(32);
  for (int i = 0; i < 32; ++i) inc[i] = uint8_t(i), dec[i] = uint8_t(31 - i);
  // RFC 3720 appendix B.4.
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones), 0x62A8AB43u);
  EXPECT_EQ(crc32c(inc), 0x46DD794Eu);
  EXPECT_EQ(crc32c(dec), 0x113FDB5Cu);
}

TEST(Crc32c, PortableAndHardwareAgreeOnAllLengthsAndAlignments) {
  std::mt19937 rng(7);
  Bytes data(1100);
  for (auto& b : data) b = uint8_t(rng());
  for (size_t off = 0; off < 9; ++off)
    for (size_t n = 0; n + off <= data.size(); n += 37) {
      SCOPED_TRACE(n);
      uint32_t sw = crc32c_extend_portable(0, data.data() + off, n);
      if (crc32c_hardware_available()) {
        EXPECT_EQ(sw, crc32c_extend_hardware(0, data.data() + off, n));
      }
      EXPECT_EQ(sw, crc32c_extend(0, data.data() + off, n));
    }
}

TEST(Crc32c, ExtendEqualsOneShot) {
  std::string_view s = "the quick brown fox jumps over the lazy dog";
  for (size_t cut = 0; cut <= s.size(); ++cut) {
    uint32_t a = crc32c(view(s.substr(0, cut)));
    auto rest = view(s.substr(cut));
    EXPECT_EQ(crc32c_extend(a, rest.data(), rest.size()), crc32c(view(s)));
  }
}

}  // namespace
}  // namespace gregor::model
