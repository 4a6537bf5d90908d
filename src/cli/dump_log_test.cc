#include "cli/dump_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/dump_segment.h"
#include "model/batch_builder.h"
#include "model/record_batch.h"

namespace gregor::cli {
namespace {

namespace fs = std::filesystem;
using model::BatchBuilder;
using model::Compression;

ByteView bv(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }
Bytes by(std::string_view s) { return Bytes(s.begin(), s.end()); }

class DumpLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gregor-dump-log-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const Bytes& bytes) {
    fs::path p = dir_ / name;
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return p;
  }

  // Runs dump-log; returns stdout, leaves stderr in err_.
  std::string dump(std::vector<std::string> files, bool data = false, bool deep = false) {
    DumpLogOptions opts;
    opts.files = std::move(files);
    opts.print_data_log = data;
    opts.deep_iteration = deep;
    std::ostringstream out, err;
    rc_ = run_dump_log(opts, out, err);
    err_ = err.str();
    return out.str();
  }

  fs::path dir_;
  int rc_ = -1;
  std::string err_;
};

Bytes build(BatchBuilder& b) {
  auto bytes = b.build();
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? bytes.value() : Bytes{};
}

void append(Bytes& log, const Bytes& batch) { log.insert(log.end(), batch.begin(), batch.end()); }

// A control record: key (version 0, type), value (version 0, coordinator epoch).
Bytes txn_marker(bool commit, int32_t coordinator_epoch, int64_t base_offset) {
  Bytes key, value;
  append_be16(key, 0);
  append_be16(key, commit ? 1 : 0);
  append_be16(value, 0);
  append_be32(value, uint32_t(coordinator_epoch));
  BatchBuilder b;
  b.base_offset(base_offset).producer(7, 2, -1).transactional(true).control(true);
  b.add(ByteView(key), ByteView(value), 5000);
  return build(b);
}

TEST_F(DumpLogTest, PrintsBatchAndRecordLinesInKafkasFormat) {
  BatchBuilder b;
  b.base_offset(0).partition_leader_epoch(3);
  b.add(bv("k1"), bv("hello"), 1000, {model::Header{"a", by("1")}, model::Header{"b", std::nullopt}});
  b.add(std::nullopt, bv("world"), 1005);
  const Bytes batch = build(b);
  const uint32_t crc = model::BatchHeader::parse(batch.data()).crc;
  const fs::path p = write("00000000000000000000.log", batch);

  const std::string out = dump({p.string()}, /*data=*/true);
  EXPECT_EQ(rc_, 0);
  const std::string expected =
      "Dumping " + p.string() + "\n" +
      "Log starting offset: 0\n"
      "baseOffset: 0 lastOffset: 1 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 "
      "partitionLeaderEpoch: 3 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty "
      "position: 0 CreateTime: 1005 size: " + std::to_string(batch.size()) +
      " magic: 2 compresscodec: none crc: " + std::to_string(crc) + " isvalid: true\n"
      "| offset: 0 CreateTime: 1000 keySize: 2 valueSize: 5 sequence: -1 headerKeys: [a,b] key: k1 payload: hello\n"
      "| offset: 1 CreateTime: 1005 keySize: -1 valueSize: 5 sequence: -1 headerKeys: [] payload: world\n";
  EXPECT_EQ(out, expected);
  EXPECT_EQ(err_, "");
}

TEST_F(DumpLogTest, WithoutFlagsPrintsOnlyBatchesAndDeepIterationOmitsData) {
  BatchBuilder b;
  b.add(bv("k"), bv("v"), 1);
  const fs::path p = write("00000000000000000000.log", build(b));
  std::string shallow = dump({p.string()});
  EXPECT_EQ(shallow.find("| offset"), std::string::npos);
  std::string deep = dump({p.string()}, false, /*deep=*/true);
  EXPECT_NE(deep.find("| offset: 0 CreateTime: 1 keySize: 1 valueSize: 1 sequence: -1 headerKeys: []\n"),
            std::string::npos);
  EXPECT_EQ(deep.find("payload"), std::string::npos);
}

TEST_F(DumpLogTest, EveryCodecIsNamedAndDecoded) {
  Bytes log;
  const char* names[] = {"none", "gzip", "snappy", "lz4", "zstd"};
  for (int c = 0; c <= 4; ++c) {
    BatchBuilder b{Compression(c)};
    b.base_offset(c * 2);
    b.add(bv("key" + std::to_string(c)), bv(std::string(300, char('a' + c))), 100 + c);
    b.add(bv("second"), bv("value"), 200 + c);
    append(log, build(b));
  }
  const fs::path p = write("00000000000000000000.log", log);
  const std::string out = dump({p.string()}, true);
  EXPECT_EQ(rc_, 0);
  for (int c = 0; c <= 4; ++c) {
    EXPECT_NE(out.find(std::string("compresscodec: ") + names[c] + " crc: "), std::string::npos) << names[c];
    EXPECT_NE(out.find("key: key" + std::to_string(c) + " payload: " + std::string(300, char('a' + c))),
              std::string::npos)
        << names[c];
    EXPECT_NE(out.find("| offset: " + std::to_string(c * 2 + 1) + " CreateTime: " + std::to_string(200 + c)),
              std::string::npos);
  }
  EXPECT_EQ(out.find("isvalid: false"), std::string::npos);
  EXPECT_EQ(err_, "");  // Offsets 0..9 are consecutive.
}

TEST_F(DumpLogTest, ControlBatchesShowTheTransactionMarker) {
  Bytes log;
  BatchBuilder data;
  data.base_offset(0).producer(7, 2, 0).transactional(true);
  data.add(bv("k"), bv("v"), 4000);
  data.add(bv("k"), bv("w"), 4001);
  append(log, build(data));
  append(log, txn_marker(true, 5, 2));
  append(log, txn_marker(false, 6, 3));
  const fs::path p = write("00000000000000000000.log", log);
  const std::string out = dump({p.string()}, true);
  EXPECT_NE(out.find("baseOffset: 0 lastOffset: 1 count: 2 baseSequence: 0 lastSequence: 1 producerId: 7 "
                     "producerEpoch: 2 partitionLeaderEpoch: -1 isTransactional: true isControl: false"),
            std::string::npos);
  EXPECT_NE(out.find("| offset: 1 CreateTime: 4001 keySize: 1 valueSize: 1 sequence: 1 headerKeys: [] key: k payload: w"),
            std::string::npos);
  EXPECT_NE(out.find("isTransactional: true isControl: true"), std::string::npos);
  EXPECT_NE(out.find("| offset: 2 CreateTime: 5000 keySize: 4 valueSize: 6 sequence: -1 headerKeys: [] "
                     "endTxnMarker: COMMIT coordinatorEpoch: 5\n"),
            std::string::npos);
  EXPECT_NE(out.find("endTxnMarker: ABORT coordinatorEpoch: 6\n"), std::string::npos);
}

TEST_F(DumpLogTest, TruncatedTailIsReportedAfterTheWholeBatches) {
  BatchBuilder a, b;
  a.add(bv("k"), bv("first"), 1);
  b.base_offset(1).add(bv("k"), bv("second"), 2);
  Bytes log = build(a);
  const size_t first_size = log.size();
  append(log, build(b));
  log.resize(log.size() - 10);
  const fs::path p = write("00000000000000000000.log", log);
  const std::string out = dump({p.string()}, true);
  EXPECT_EQ(rc_, 0);
  EXPECT_NE(out.find("payload: first"), std::string::npos);
  EXPECT_EQ(out.find("payload: second"), std::string::npos);
  EXPECT_NE(out.find("Found " + std::to_string(log.size() - first_size) +
                     " invalid bytes at the end of 00000000000000000000.log\n"),
            std::string::npos);
}

TEST_F(DumpLogTest, TailShorterThanALengthFieldAndImpossibleLengthsAreReported) {
  BatchBuilder a;
  a.add(bv("k"), bv("v"), 1);
  Bytes log = build(a);
  log.insert(log.end(), {1, 2, 3});
  std::string out = dump({write("00000000000000000000.log", log).string()});
  EXPECT_NE(out.find("Found 3 invalid bytes at the end"), std::string::npos);

  Bytes bad = build(a);
  Bytes zeros(40, 0);  // A length field of 0 is below the minimum batch length.
  append(bad, zeros);
  out = dump({write("00000000000000000001.log", bad).string()});
  EXPECT_NE(out.find("Found 40 invalid bytes at the end of 00000000000000000001.log"), std::string::npos);
  EXPECT_NE(out.find("Log starting offset: 1\n"), std::string::npos);
}

TEST_F(DumpLogTest, CorruptBatchIsInvalidAndTheDumpGoesOn) {
  BatchBuilder a, b;
  a.add(bv("k"), bv("payload-one"), 1);
  b.base_offset(1).add(bv("k"), bv("payload-two"), 2);
  Bytes log = build(a);
  log[log.size() - 3] ^= 0x55;  // Inside the first batch's value: CRC no longer matches.
  append(log, build(b));
  const std::string out = dump({write("00000000000000000000.log", log).string()}, false, true);
  const size_t first = out.find("isvalid: false");
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(out.find("isvalid: true", first), std::string::npos);
  EXPECT_NE(out.find("| offset: 1 "), std::string::npos);
}

TEST_F(DumpLogTest, GarbledRecordsAreReportedNotFatal) {
  BatchBuilder a;
  a.add(bv("k"), bv("v"), 1);
  Bytes log = build(a);
  log[model::kBatchHeaderSize] = 0x7f;  // The first record's length varint now overruns the batch.
  const std::string out = dump({write("00000000000000000000.log", log).string()}, true);
  EXPECT_NE(out.find("isvalid: false"), std::string::npos);
  EXPECT_NE(out.find("| invalid records: "), std::string::npos);
}

TEST_F(DumpLogTest, NonConsecutiveOffsetsAreListedOnStderr) {
  BatchBuilder a, b;
  a.add(bv("k"), bv("v"), 1);
  b.base_offset(5).add(bv("k"), bv("v"), 2);
  Bytes log = build(a);
  append(log, build(b));
  const fs::path p = write("00000000000000000000.log", log);
  dump({p.string()}, false, true);
  EXPECT_EQ(err_, "Non-consecutive offsets in " + fs::absolute(p).string() + "\n  0 is followed by 5\n");
}

TEST_F(DumpLogTest, BatchesLargerThanAReadChunkAndAcrossChunkEdges) {
  Bytes log;
  const size_t sizes[] = {5u << 20, 5u << 20, 9u << 20, 10};
  for (size_t i = 0; i < 4; ++i) {
    BatchBuilder b;
    b.base_offset(int64_t(i)).add(bv("k"), bv(std::string(sizes[i], 'x')), int64_t(i));
    append(log, build(b));
  }
  const std::string out = dump({write("00000000000000000000.log", log).string()});
  EXPECT_EQ(rc_, 0);
  for (int i = 0; i < 4; ++i) {
    EXPECT_NE(out.find("baseOffset: " + std::to_string(i) + " lastOffset: " + std::to_string(i)), std::string::npos);
  }
  EXPECT_EQ(out.find("invalid"), std::string::npos);
}

TEST_F(DumpLogTest, EmptyLogPrintsOnlyTheHeader) {
  const fs::path p = write("00000000000000000042.log", {});
  EXPECT_EQ(dump({p.string()}), "Dumping " + p.string() + "\nLog starting offset: 42\n");
}

TEST_F(DumpLogTest, OffsetIndexStopsAtPreallocatedZeros) {
  Bytes index;
  for (uint32_t rel : {0u, 10u, 25u}) {
    append_be32(index, rel);
    append_be32(index, rel * 100);
  }
  index.resize(index.size() + 8 * 4, 0);
  const fs::path p = write("00000000000000000100.index", index);
  EXPECT_EQ(dump({p.string()}),
            "Dumping " + p.string() + "\noffset: 100 position: 0\noffset: 110 position: 1000\noffset: 125 position: 2500\n");
  const fs::path empty = write("00000000000000000000.index", {});
  EXPECT_EQ(dump({empty.string()}), "Dumping " + empty.string() + "\n" + empty.string() + " is empty.\n");
}

TEST_F(DumpLogTest, TimeIndexAndTxnIndex) {
  Bytes time_index;
  append_be64(time_index, 1700000000000);
  append_be32(time_index, 3);
  append_be64(time_index, 1700000000500);
  append_be32(time_index, 9);
  time_index.resize(time_index.size() + 12, 0);
  const fs::path t = write("00000000000000000010.timeindex", time_index);
  EXPECT_EQ(dump({t.string()}), "Dumping " + t.string() +
                                    "\ntimestamp: 1700000000000 offset: 13\ntimestamp: 1700000000500 offset: 19\n");

  Bytes txn;
  append_be16(txn, 0);
  append_be64(txn, 42);
  append_be64(txn, 5);
  append_be64(txn, 9);
  append_be64(txn, 12);
  txn.push_back(1);  // A torn entry.
  const fs::path x = write("00000000000000000000.txnindex", txn);
  EXPECT_EQ(dump({x.string()}), "Dumping " + x.string() +
                                    "\nversion: 0 producerId: 42 firstOffset: 5 lastOffset: 9 lastStableOffset: 12\n"
                                    "Found 1 invalid bytes at the end of 00000000000000000000.txnindex\n");
}

TEST_F(DumpLogTest, MissingFilesFailAndUnknownFilesAreIgnored) {
  const std::string missing = (dir_ / "00000000000000000000.log").string();
  const fs::path other = write("notes.txt", by("hi"));
  fs::create_directories(dir_ / "00000000000000000001.log");
  const std::string out = dump({missing, other.string(), (dir_ / "00000000000000000001.log").string()});
  EXPECT_EQ(rc_, 1);
  EXPECT_NE(err_.find("gregor: " + missing + " does not exist\n"), std::string::npos);
  EXPECT_NE(err_.find("00000000000000000001.log is not a regular file\n"), std::string::npos);
  EXPECT_EQ(out.find("Dumping " + missing), std::string::npos);
  EXPECT_NE(err_.find("Ignoring unknown file " + other.string()), std::string::npos);
}

TEST(PrintableBytes, EscapesControlAndInvalidUtf8) {
  const std::string s = "a\nb\xc3\xa9\xff";
  EXPECT_EQ(printable_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()), "a\\x0ab\xc3\xa9\\xff");
}

}  // namespace
}  // namespace gregor::cli
