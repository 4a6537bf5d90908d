// Writer: primitive encodings, and records emitted as separate chunks without copying.
#include "protocol/writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "protocol/reader.h"

namespace gregor::proto {
namespace {

TEST(Writer, EncodesPrimitivesBigEndian) {
  Writer w;
  w.int16(-2);
  w.int32(256);
  w.uvarint(300);
  w.string("hi", true);
  w.nullable_string(std::nullopt, false);
  w.null_array(true);
  EXPECT_EQ(w.buffer(), (Bytes{0xff, 0xfe, 0, 0, 1, 0, 0xac, 0x02, 0x03, 'h', 'i', 0xff, 0xff, 0x00}));
}

TEST(Writer, OverlongInt16StringIsCutNotCorrupted) {
  Writer w;
  w.string(std::string(40000, 'x'), false);
  Reader r{SharedSlice(w.buffer())};
  EXPECT_EQ(r.string(false).size(), 32767u);
  EXPECT_TRUE(r.at_end());
}

TEST(Writer, RecordsPartsBecomeSeparateChunks) {
  Writer w;
  w.int8(7);
  Records rec;
  rec.append(SharedSlice(Bytes{1, 2, 3}));
  rec.append(SharedSlice(Bytes{4}));
  w.records(rec, false);
  w.int8(8);
  EXPECT_EQ(w.size(), 1u + 4u + 4u + 1u);
  io::OutChunks chunks = w.finish();
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(std::get<Bytes>(chunks[0]), (Bytes{7, 0, 0, 0, 4}));
  EXPECT_EQ(std::get<SharedSlice>(chunks[1]).size(), 3u);
  EXPECT_EQ(std::get<SharedSlice>(chunks[2]).size(), 1u);
  EXPECT_EQ(std::get<Bytes>(chunks[3]), (Bytes{8}));
  auto flat = flatten(chunks);
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(*flat, (Bytes{7, 0, 0, 0, 4, 1, 2, 3, 4, 8}));
}

TEST(Writer, FileSliceRecordsAreNotRead) {
  auto path = std::filesystem::temp_directory_path() / ("gregor_writer_test_" + std::to_string(::getpid()));
  auto file = io::File::open(path, O_RDWR | O_CREAT | O_TRUNC);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->pwrite_all(Bytes{9, 9, 1, 2, 3, 9}, 0).ok());
  Records rec;
  rec.append(io::FileSlice{*file, 2, 3});
  Writer w;
  w.records(rec, true);
  io::OutChunks chunks = w.finish();
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(std::get<Bytes>(chunks[0]), (Bytes{0x04}));
  EXPECT_EQ(std::get<io::FileSlice>(chunks[1]).position, 2u);
  auto flat = flatten(chunks);
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(*flat, (Bytes{4, 1, 2, 3}));
  EXPECT_TRUE(rec == Records(SharedSlice(Bytes{1, 2, 3})));
  EXPECT_FALSE(rec == Records::null());
  std::filesystem::remove(path);
}

TEST(Writer, NullAndEmptyRecordsDiffer) {
  Writer w;
  w.records(Records::null(), false);
  w.records(Records(), false);
  w.records(Records::null(), true);
  EXPECT_EQ(w.buffer(), (Bytes{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0x00}));
}

}  // namespace
}  // namespace gregor::proto
