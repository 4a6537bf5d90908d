#include "base/varint.h"

#include <gtest/gtest.h>

#include <limits>

namespace gregor {
namespace {

TEST(Varint, RoundTripsSignedAndUnsignedExtremes) {
  for (int64_t v : {int64_t(0), int64_t(1), int64_t(-1), int64_t(63), int64_t(-64), int64_t(300),
                    std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}) {
    Bytes b;
    varint::put_varlong(b, v);
    EXPECT_EQ(b.size(), varint::varlong_size(v));
    const uint8_t* p = b.data();
    auto got = varint::get_varlong(&p, b.data() + b.size());
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, v);
    EXPECT_EQ(p, b.data() + b.size());
  }
  for (int32_t v : {0, 1, -1, std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min()}) {
    Bytes b;
    varint::put_varint(b, v);
    const uint8_t* p = b.data();
    auto got = varint::get_varint(&p, b.data() + b.size());
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, v);
  }
}

TEST(Varint, RejectsTruncatedAndOverlongEncodings) {
  Bytes truncated{0x80, 0x80};
  const uint8_t* p = truncated.data();
  EXPECT_FALSE(varint::get_varint(&p, truncated.data() + truncated.size()));
  Bytes overlong{0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  p = overlong.data();
  EXPECT_FALSE(varint::get_varint(&p, overlong.data() + overlong.size()));
}

}  // namespace
}  // namespace gregor
