// Property tests for every generated message, request and response, at every version:
// random messages survive encode -> decode unchanged, re-encode to identical bytes, and every
// truncated prefix of an encoding is rejected cleanly.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "protocol/generated/messages.h"

namespace gregor::proto {
namespace {

constexpr int kMessagesPerVersion = 200;
constexpr int kPrefixCheckedPerVersion = 8;

Bytes encode_to_bytes(const auto& m, int16_t version) {
  Writer w;
  m.encode(w, version);
  auto bytes = flatten(w.finish());
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : Bytes();
}

template <class M>
void check_round_trips(const char* name) {
  for (int16_t v = M::kMinVersion; v <= M::kMaxVersion; ++v) {
    std::set<Bytes> distinct;
    size_t max_size = 0;
    for (int i = 0; i < kMessagesPerVersion; ++i) {
      SCOPED_TRACE(std::string(name) + " v" + std::to_string(v) + " #" + std::to_string(i));
      Rng rng(uint64_t(M::kApiKey) << 40 | uint64_t(v) << 20 | uint64_t(i));
      M m;
      m.randomize(rng, v);
      Bytes bytes = encode_to_bytes(m, v);
      distinct.insert(bytes);
      max_size = std::max(max_size, bytes.size());

      Reader r{SharedSlice(bytes)};
      M decoded;
      ASSERT_TRUE(decoded.decode(r, v)) << r.error();
      EXPECT_TRUE(r.at_end()) << r.remaining() << " bytes left over";
      ASSERT_TRUE(decoded == m);
      ASSERT_EQ(encode_to_bytes(decoded, v), bytes);

      if (i < kPrefixCheckedPerVersion) {
        for (size_t len = 0; len < bytes.size(); ++len) {
          // A separate allocation of exactly `len` bytes, so ASan sees any over-read.
          Reader pr{SharedSlice(Bytes(bytes.begin(), bytes.begin() + long(len)))};
          M partial;
          ASSERT_FALSE(partial.decode(pr, v)) << "prefix of " << len << " bytes decoded";
          EXPECT_FALSE(pr.error().empty());
        }
      }
    }
    // The generator must actually vary messages (only bodies without fields, such as
    // ApiVersions requests before v3, have a single encoding).
    EXPECT_TRUE(distinct.size() > 1 || max_size <= 1)
        << name << " v" << v << ": only " << distinct.size() << " distinct encodings";
  }
}

#define GREGOR_ROUND_TRIP_TEST(Api)                                                     \
  TEST(RoundTrip, Api##Request) { check_round_trips<Api##Request>(#Api "Request"); }    \
  TEST(RoundTrip, Api##Response) { check_round_trips<Api##Response>(#Api "Response"); }
GREGOR_PROTO_FOR_EACH_API(GREGOR_ROUND_TRIP_TEST)
#undef GREGOR_ROUND_TRIP_TEST

TEST(ApiTable, MatchesGeneratedTypes) {
  int count = 0;
#define GREGOR_CHECK_API(Api)                                                      \
  {                                                                                \
    const ApiInfo* info = find_api(Api##Request::kApiKey);                         \
    ASSERT_NE(info, nullptr);                                                      \
    EXPECT_EQ(info->name, #Api);                                                   \
    EXPECT_EQ(info->min_version, Api##Request::kMinVersion);                       \
    EXPECT_EQ(info->max_version, Api##Request::kMaxVersion);                       \
    EXPECT_EQ(info->flexible_min, Api##Request::kFlexibleMin);                     \
    EXPECT_EQ(Api##Response::kApiKey, Api##Request::kApiKey);                      \
    ++count;                                                                       \
  }
  GREGOR_PROTO_FOR_EACH_API(GREGOR_CHECK_API)
#undef GREGOR_CHECK_API
  EXPECT_EQ(size_t(count), api_table().size());
  EXPECT_EQ(find_api(4), nullptr);  // LeaderAndIsr: retired
  for (size_t i = 1; i < api_table().size(); ++i) EXPECT_LT(api_table()[i - 1].key, api_table()[i].key);
}

}  // namespace
}  // namespace gregor::proto
