#include "model/compression.h"

#include <gtest/gtest.h>

#include <random>

#include "model/error_code.h"

namespace gregor::model {
namespace {

const Compression kCodecs[] = {Compression::none, Compression::gzip, Compression::snappy, Compression::lz4,
                               Compression::zstd};

Bytes sample(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = uint8_t(i % 7 == 0 ? rng() : 'a' + (i % 13));  // compressible
  return b;
}

TEST(Compression, RoundTripsEveryCodecAtManySizes) {
  for (auto c : kCodecs)
    for (size_t n : {size_t(0), size_t(1), size_t(100), size_t(32 * 1024), size_t(32 * 1024 + 1), size_t(300000)}) {
      if (n == 0 && c == Compression::lz4) continue;  // an lz4 frame of nothing still round-trips below
      Bytes in = sample(n, unsigned(n));
      auto z = compress(c, in);
      ASSERT_TRUE(z.ok()) << compression_name(c);
      auto out = decompress(c, *z);
      ASSERT_TRUE(out.ok()) << compression_name(c) << " " << n << " " << out.error().message;
      EXPECT_EQ(*out, in) << compression_name(c) << " " << n;
    }
}

TEST(Compression, EmptyInputRoundTripsForFramedCodecs) {
  for (auto c : kCodecs) {
    auto z = compress(c, {});
    ASSERT_TRUE(z.ok());
    auto out = decompress(c, *z);
    ASSERT_TRUE(out.ok()) << compression_name(c);
    EXPECT_TRUE(out->empty());
  }
}

TEST(Compression, SnappyWritesXerialFramingAndReadsRawToo) {
  Bytes in = sample(70000, 1);
  auto z = compress(Compression::snappy, in);
  ASSERT_TRUE(z.ok());
  ASSERT_GE(z->size(), 16u);
  EXPECT_EQ((*z)[0], 0x82);
  EXPECT_EQ((*z)[1], 'S');
  EXPECT_EQ(load_be32(z->data() + 8), 1u);
  // A raw snappy block (as librdkafka writes): the first xerial block's payload.
  Bytes small = sample(1000, 2);
  auto framed = compress(Compression::snappy, small);
  ASSERT_TRUE(framed.ok());
  uint32_t n = load_be32(framed->data() + 16);
  Bytes raw(framed->begin() + 20, framed->begin() + 20 + n);
  auto out = decompress(Compression::snappy, raw);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, small);
}

TEST(Compression, DecompressionBombIsRejectedAtTheCap) {
  Bytes big(8 << 20, 0);  // 8 MiB of zeros compresses to almost nothing
  for (auto c : kCodecs) {
    auto z = compress(c, big);
    ASSERT_TRUE(z.ok());
    auto out = decompress(c, *z, 1 << 20);
    ASSERT_FALSE(out.ok()) << compression_name(c);
    EXPECT_EQ(out.error().code, to_int(ErrorCode::CORRUPT_MESSAGE));
    auto exact = decompress(c, *z, big.size());
    ASSERT_TRUE(exact.ok()) << compression_name(c);
    EXPECT_EQ(exact->size(), big.size());
  }
}

TEST(Compression, GarbageAndTruncatedInputAreCorrupt) {
  Bytes in = sample(5000, 3);
  for (auto c : {Compression::gzip, Compression::snappy, Compression::lz4, Compression::zstd}) {
    auto z = compress(c, in);
    ASSERT_TRUE(z.ok());
    Bytes cut(z->begin(), z->begin() + z->size() / 2);
    EXPECT_FALSE(decompress(c, cut).ok()) << compression_name(c);
    Bytes garbage = sample(200, 9);
    EXPECT_FALSE(decompress(c, garbage).ok()) << compression_name(c);
  }
}

TEST(Compression, NamesAndIdsMapBothWays) {
  for (auto c : kCodecs) EXPECT_EQ(compression_from_name(compression_name(c)), c);
  EXPECT_FALSE(compression_from_name("brotli"));
  EXPECT_FALSE(compression_from_id(5));
  EXPECT_EQ(compression_from_id(4), Compression::zstd);
}

}  // namespace
}  // namespace gregor::model
