// Request/response headers and whole frames.
#include "protocol/header.h"

#include <gtest/gtest.h>

#include "protocol/frame.h"
#include "protocol/generated/messages.h"

namespace gregor::proto {
namespace {

TEST(Header, VersionsFollowFlexibleVersions) {
  EXPECT_EQ(request_header_version(3, 8), 1);    // Metadata v8
  EXPECT_EQ(request_header_version(3, 9), 2);    // Metadata v9 is flexible
  EXPECT_EQ(response_header_version(3, 9), 1);
  EXPECT_EQ(response_header_version(3, 8), 0);
  EXPECT_EQ(request_header_version(18, 3), 2);   // ApiVersions v3 request: header v2
  EXPECT_EQ(response_header_version(18, 3), 0);  // ...but its response: header v0
  EXPECT_EQ(request_header_version(18, 9), 2);   // newer than we know: still flexible
  EXPECT_EQ(request_header_version(17, 1), 1);   // SaslHandshake is never flexible
  EXPECT_EQ(request_header_version(4, 0), -1);   // retired api
}

TEST(Header, DecodesV2HeaderWithTaggedFields) {
  Bytes b = {0x00, 0x03, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x02, 'c', '1',
             0x01, 0x05, 0x01, 0xee};  // one unknown tag (5) of one byte
  Reader r{SharedSlice(b)};
  RequestHeader h;
  ASSERT_TRUE(decode_request_header(r, h)) << r.error();
  EXPECT_EQ(h.api_key, 3);
  EXPECT_EQ(h.api_version, 12);
  EXPECT_EQ(h.correlation_id, 42);
  EXPECT_EQ(h.client_id, "c1");
  EXPECT_TRUE(r.at_end());
}

TEST(Header, NullClientIdAndUnknownKey) {
  Bytes b = {0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff};
  Reader r{SharedSlice(b)};
  RequestHeader h;
  ASSERT_TRUE(decode_request_header(r, h));
  EXPECT_EQ(h.client_id, std::nullopt);

  Bytes bad = {0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff};
  Reader r2{SharedSlice(bad)};
  EXPECT_FALSE(decode_request_header(r2, h));
  EXPECT_EQ(h.api_key, 4);
}

TEST(Header, TruncatedHeadersFail) {
  Bytes b = {0x00, 0x03, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x02, 'c', '1', 0x00};
  for (size_t len = 0; len < b.size(); ++len) {
    Reader r{SharedSlice(Bytes(b.begin(), b.begin() + long(len)))};
    RequestHeader h;
    EXPECT_FALSE(decode_request_header(r, h)) << len;
  }
}

TEST(Header, RequestHeaderRoundTrips) {
  RequestHeader h{1, 13, 7, "client"};
  for (int16_t hv : {1, 2}) {
    Writer w;
    h.encode(w, hv);
    Reader r{SharedSlice(w.buffer())};
    RequestHeader d;
    ASSERT_TRUE(d.decode(r, hv));
    EXPECT_EQ(d, h);
    EXPECT_TRUE(r.at_end());
  }
}

TEST(Frame, ApiVersionsResponseUsesHeaderV0) {
  ApiVersionsResponse resp;
  resp.api_keys.push_back({18, 0, 4});
  auto chunks = encode_response_frame(5, 3, resp);
  auto flat = flatten(chunks);
  ASSERT_TRUE(flat.ok());
  // size, correlation id (no tagged byte), error code, compact array (1 entry), entry tags,
  // throttle time, top-level tags.
  Bytes expected = {0, 0, 0, 19, 0, 0, 0, 5, 0, 0, 0x02, 0, 18, 0, 0, 0, 4, 0x00, 0, 0, 0, 0, 0x00};
  EXPECT_EQ(*flat, expected);
}

TEST(Frame, FlexibleResponseHasTaggedHeaderByte) {
  HeartbeatResponse resp;
  resp.error_code = 27;
  auto flat = flatten(encode_response_frame(9, 4, resp));
  ASSERT_TRUE(flat.ok());
  Bytes expected = {0, 0, 0, 12, 0, 0, 0, 9, 0x00, 0, 0, 0, 0, 0, 27, 0x00};
  EXPECT_EQ(*flat, expected);
}

TEST(Frame, RequestFrameRoundTrips) {
  MetadataRequest req;
  req.topics.emplace();
  req.topics->push_back({Uuid{}, "t"});
  RequestHeader h{3, 12, 77, "me"};
  auto flat = flatten(encode_request_frame(h, req));
  ASSERT_TRUE(flat.ok());
  Reader r{SharedSlice(*flat)};
  EXPECT_EQ(r.int32(), int32_t(flat->size() - 4));
  RequestHeader dh;
  ASSERT_TRUE(decode_request_header(r, dh));
  EXPECT_EQ(dh, h);
  MetadataRequest d;
  ASSERT_TRUE(d.decode(r, dh.api_version));
  EXPECT_TRUE(d == req);
  EXPECT_TRUE(r.at_end());
}

}  // namespace
}  // namespace gregor::proto
