// Known-bytes tests: messages written out by hand from the protocol spec, checked against the
// generated codecs in both directions.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "protocol/frame.h"
#include "protocol/generated/messages.h"

namespace gregor::proto {
namespace {

Bytes encode_bytes(const auto& m, int16_t version) {
  Writer w;
  m.encode(w, version);
  auto flat = flatten(w.finish());
  EXPECT_TRUE(flat.ok());
  return flat.ok() ? *flat : Bytes();
}

TEST(KnownBytes, ApiVersionsRequestV3WithClientSoftware) {
  // A whole frame as a client sends it: request header v2, then the body.
  Bytes frame = {
      0x00, 0x00, 0x00, 0x1c,              // size 28
      0x00, 0x12, 0x00, 0x03,              // api key 18, version 3
      0x00, 0x00, 0x00, 0x01,              // correlation id 1
      0x00, 0x07, 'r', 'd', 'k', 'a', 'f', 'k', 'a',  // client id (int16 length)
      0x00,                                // header tagged fields
      0x05, 'k', 'c', 'a', 't',            // compact string "kcat"
      0x04, '1', '.', '7',                 // compact string "1.7"
      0x00,                                // body tagged fields
  };
  ASSERT_EQ(frame.size(), 4u + 0x1cu);
  Reader r{SharedSlice(frame)};
  EXPECT_EQ(r.int32(), 0x1c);
  RequestHeader h;
  ASSERT_TRUE(decode_request_header(r, h)) << r.error();
  EXPECT_EQ(h.api_key, ApiVersionsRequest::kApiKey);
  EXPECT_EQ(h.api_version, 3);
  EXPECT_EQ(h.client_id, "rdkafka");
  ApiVersionsRequest req;
  ASSERT_TRUE(req.decode(r, h.api_version)) << r.error();
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(req.client_software_name, "kcat");
  EXPECT_EQ(req.client_software_version, "1.7");
  auto again = flatten(encode_request_frame(h, req));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, frame);
}

TEST(KnownBytes, MetadataRequestV1WithTopics) {
  Bytes body = {0x00, 0x00, 0x00, 0x02, 0x00, 0x03, 'f', 'o', 'o', 0x00, 0x03, 'b', 'a', 'r'};
  Reader r{SharedSlice(body)};
  MetadataRequest req;
  ASSERT_TRUE(req.decode(r, 1)) << r.error();
  ASSERT_TRUE(req.topics.has_value());
  ASSERT_EQ(req.topics->size(), 2u);
  EXPECT_EQ((*req.topics)[0].name, "foo");
  EXPECT_EQ((*req.topics)[1].name, "bar");
  EXPECT_EQ(encode_bytes(req, 1), body);
}

TEST(KnownBytes, MetadataRequestV1NullTopicsMeansAll) {
  Bytes body = {0xff, 0xff, 0xff, 0xff};
  Reader r{SharedSlice(body)};
  MetadataRequest req;
  ASSERT_TRUE(req.decode(r, 1));
  EXPECT_FALSE(req.topics.has_value());
  // v0 has no null: the same bytes are invalid there.
  Reader r0{SharedSlice(body)};
  EXPECT_FALSE(req.decode(r0, 0));
}

TEST(KnownBytes, MetadataRequestV12Flexible) {
  MetadataRequest req;
  req.topics.emplace().push_back({Uuid{}, "t"});
  req.allow_auto_topic_creation = false;
  req.include_topic_authorized_operations = true;
  Bytes expected = {0x02,                                            // compact array, 1 topic
                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // topic id (zero)
                    0x02, 't',                                       // compact nullable name
                    0x00,                                            // topic tagged fields
                    0x00,                                            // allow auto creation
                    0x01,                                            // include topic ops
                    0x00};                                           // tagged fields
  EXPECT_EQ(encode_bytes(req, 12), expected);
}

TEST(KnownBytes, ApiVersionsResponseV3TaggedFields) {
  ApiVersionsResponse resp;
  resp.api_keys.push_back({0, 0, 11});
  resp.finalized_features_epoch = 5;
  Bytes expected = {0x00, 0x00,                    // error code
                    0x02,                          // compact array: 1 entry
                    0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x00,
                    0x00, 0x00, 0x00, 0x00,        // throttle time
                    0x01,                          // one tagged field
                    0x01, 0x08,                    // tag 1 (FinalizedFeaturesEpoch), 8 bytes
                    0, 0, 0, 0, 0, 0, 0, 5};
  EXPECT_EQ(encode_bytes(resp, 3), expected);
  Reader r{SharedSlice(expected)};
  ApiVersionsResponse d;
  ASSERT_TRUE(d.decode(r, 3)) << r.error();
  EXPECT_EQ(d.finalized_features_epoch, 5);
  EXPECT_TRUE(d.supported_features.empty());
  EXPECT_FALSE(d.zk_migration_ready);
}

TEST(KnownBytes, ProduceRequestV3RecordsAreZeroCopy) {
  auto buf = std::make_shared<const Bytes>(Bytes{
      0xff, 0xff,              // transactional id: null
      0xff, 0xff,              // acks -1
      0x00, 0x00, 0x75, 0x30,  // timeout 30000
      0x00, 0x00, 0x00, 0x01,  // 1 topic
      0x00, 0x01, 't',         // name "t"
      0x00, 0x00, 0x00, 0x01,  // 1 partition
      0x00, 0x00, 0x00, 0x02,  // index 2
      0x00, 0x00, 0x00, 0x05, 0xa, 0xb, 0xc, 0xd, 0xe,  // records
  });
  Reader r{SharedSlice(buf, 0, buf->size())};
  ProduceRequest req;
  ASSERT_TRUE(req.decode(r, 3)) << r.error();
  EXPECT_FALSE(req.transactional_id.has_value());
  EXPECT_EQ(req.acks, -1);
  EXPECT_EQ(req.timeout_ms, 30000);
  ASSERT_EQ(req.topic_data.size(), 1u);
  EXPECT_EQ(req.topic_data[0].name, "t");
  const ProduceRequest::PartitionProduceData& p = req.topic_data[0].partition_data.at(0);
  EXPECT_EQ(p.index, 2);
  const SharedSlice* slice = p.records.single_slice();
  ASSERT_NE(slice, nullptr);
  EXPECT_EQ(slice->data(), buf->data() + 27);  // points into the request buffer
  EXPECT_EQ(slice->size(), 5u);
  EXPECT_EQ(encode_bytes(req, 3), *buf);
}

TEST(KnownBytes, FetchResponseV12WithFileSliceRecords) {
  auto path = std::filesystem::temp_directory_path() / ("gregor_fetch_test_" + std::to_string(::getpid()));
  auto file = io::File::open(path, O_RDWR | O_CREAT | O_TRUNC);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->pwrite_all(Bytes{0, 0, 0x11, 0x22, 0x33, 0}, 0).ok());

  FetchResponse resp;
  resp.session_id = 1;
  FetchResponse::PartitionData part;
  part.partition_index = 0;
  part.high_watermark = 3;
  part.records = Records();
  part.records.append(io::FileSlice{*file, 2, 3});
  resp.responses.push_back({"t", Uuid{}, {part}});

  io::OutChunks chunks = encode_response_frame(7, 12, resp);
  ASSERT_EQ(chunks.size(), 3u);  // bytes before, the file slice, bytes after
  EXPECT_EQ(std::get<io::FileSlice>(chunks[1]).size, 3u);
  Bytes expected = {
      0, 0, 0, 61,                    // frame size
      0, 0, 0, 7, 0x00,               // response header v1
      0, 0, 0, 0,                     // throttle time
      0, 0,                           // error code
      0, 0, 0, 1,                     // session id
      0x02,                           // 1 topic
      0x02, 't',                      // topic name
      0x02,                           // 1 partition
      0, 0, 0, 0,                     // partition index
      0, 0,                           // error code
      0, 0, 0, 0, 0, 0, 0, 3,         // high watermark
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // last stable offset -1
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // log start offset -1
      0x01,                           // aborted transactions: empty compact array
      0xff, 0xff, 0xff, 0xff,         // preferred read replica -1
      0x04, 0x11, 0x22, 0x33,         // compact records (from the file)
      0x00,                           // partition tagged fields
      0x00,                           // topic tagged fields
      0x00,                           // response tagged fields
  };
  auto flat = flatten(chunks);
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(*flat, expected);
  EXPECT_EQ(io::chunk_size(chunks[0]) + 3 + io::chunk_size(chunks[2]), expected.size());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace gregor::proto
