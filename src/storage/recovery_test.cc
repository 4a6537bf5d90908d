// Crash recovery: torn tails at random points, random bit flips near the end, and index
// rebuilds compared with a full scan.
#include <gtest/gtest.h>

#include <random>

#include "model/batch_iterator.h"
#include "storage/log.h"
#include "storage/partition_dir.h"
#include "storage/test_util.h"

namespace gregor::storage {
namespace {

using namespace test_util;
namespace fs = std::filesystem;

LogConfig config() {
  LogConfig c;
  c.segment_bytes = 16 * 1024;
  c.index_interval_bytes = 512;
  return c;
}

// Every segment's in-memory and on-disk indexes equal what a full scan of its .log yields.
void expect_indexes_match_scan(const Log& log) {
  auto bases = log.segment_bases();
  for (size_t i = 0; i < bases.size(); ++i) {
    const Segment& seg = log.segment(bases[i]);
    Bytes bytes = read_file(segment_file(log.dir(), bases[i], kLogSuffix));
    ASSERT_EQ(bytes.size(), seg.size());
    auto want = scan_indexes(bytes, log.config().index_interval_bytes, i + 1 < bases.size());
    EXPECT_EQ(seg.offset_index().all(), want.offsets) << "segment " << bases[i];
    EXPECT_EQ(seg.time_index().all(), want.times) << "segment " << bases[i];
    EXPECT_EQ(seg.max_timestamp(), want.max_timestamp);
    if (!bytes.empty()) {
      EXPECT_EQ(seg.next_offset(), want.next_offset);
    }
    EXPECT_EQ(read_file(segment_file(log.dir(), bases[i], kIndexSuffix)).size(), want.offsets.size() * 8);
    EXPECT_EQ(read_file(segment_file(log.dir(), bases[i], kTimeIndexSuffix)).size(), want.times.size() * 12);
  }
}

struct Fixture {
  TempDir tmp;
  fs::path golden;
  std::vector<Bytes> batches;  // as stored
  struct Piece {
    fs::path file;
    uint64_t size;
  };
  std::vector<Piece> pieces;  // segment files in order

  Fixture() {
    golden = tmp.path() / "golden-0";
    std::mt19937 rng(42);
    auto log = Log::open(golden, config(), -1, -1, 1000);
    GREGOR_ASSERT(log.ok());
    for (int i = 0; i < 300; ++i) {
      auto codec = model::Compression(rng() % 5);
      auto a = (*log)->append(batch(1 + int(rng() % 5), 1000 + i * 10, 10 + rng() % 400, codec), int32_t(i / 50),
                              1000);
      GREGOR_ASSERT(a.ok());
    }
    batches = read_all(**log);
    for (auto base : (*log)->segment_bases()) {
      auto p = segment_file(golden, base, kLogSuffix);
      pieces.push_back({p, fs::file_size(p)});
    }
    // The Log is dropped without close(): a crash with the page cache intact.
  }

  fs::path copy(const std::string& name) const {
    fs::path dst = tmp.path() / name;
    fs::copy(golden, dst, fs::copy_options::recursive);
    return dst;
  }
  uint64_t total() const {
    uint64_t t = 0;
    for (auto& p : pieces) t += p.size;
    return t;
  }
  // The segment file and local position of global byte g.
  std::pair<size_t, uint64_t> locate(uint64_t g) const {
    for (size_t i = 0; i < pieces.size(); ++i) {
      if (g < pieces[i].size) return {i, g};
      g -= pieces[i].size;
    }
    return {pieces.size() - 1, pieces.back().size};
  }
  // Stored batches that end at or before global byte g.
  std::vector<Bytes> prefix_before(uint64_t g) const {
    std::vector<Bytes> out;
    uint64_t at = 0;
    for (const auto& b : batches) {
      if (at + b.size() > g) break;
      at += b.size();
      out.push_back(b);
    }
    return out;
  }
  // Global start of the batch holding global byte g.
  uint64_t batch_start(uint64_t g) const {
    uint64_t at = 0;
    for (const auto& b : batches) {
      if (at + b.size() > g) return at;
      at += b.size();
    }
    return at;
  }
};

const Fixture& fixture() {
  static Fixture f;
  return f;
}

void expect_recovered_prefix(const fs::path& dir, const std::vector<Bytes>& want) {
  auto log = Log::open(dir, config(), -1, -1, 2000);
  ASSERT_TRUE(log.ok()) << log.error().message;
  EXPECT_FALSE((*log)->open_stats().clean_shutdown);
  EXPECT_EQ(read_all(**log), want);
  int64_t leo = want.empty() ? 0 : model::BatchHeader::parse(want.back().data()).last_offset() + 1;
  EXPECT_EQ((*log)->log_end_offset(), leo);
  EXPECT_EQ((*log)->recovery_point(), leo);
  expect_indexes_match_scan(**log);
  if (!want.empty()) {
    auto latest = (*log)->epochs().latest();
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->epoch, model::BatchHeader::parse(want.back().data()).partition_leader_epoch);
  }
  // The log keeps working, and a second crash recovers the same state plus the new batch.
  auto a = (*log)->append(batch(2, 5), 99, 2000);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first_offset, leo);
  log->reset();
  auto again = Log::open(dir, config(), -1, -1, 3000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->log_end_offset(), leo + 2);
  EXPECT_EQ((*again)->open_stats().bytes_truncated, 0u);
}

TEST(Recovery, UntouchedCrashRecoversEverythingAndIndexesEqualAFullScan) {
  const auto& f = fixture();
  ASSERT_GT(f.pieces.size(), 3u);
  expect_recovered_prefix(f.copy("same-0"), f.batches);
}

TEST(Recovery, TornTailAtRandomPointsLeavesTheWholeBatchesBeforeIt) {
  const auto& f = fixture();
  std::mt19937_64 rng(1);
  for (int i = 0; i < 40; ++i) {
    uint64_t g = rng() % (f.total() + 1);
    SCOPED_TRACE(::testing::Message() << "cut at " << g);
    fs::path dir = f.copy("cut" + std::to_string(i) + "-0");
    auto [k, pos] = f.locate(g);
    fs::resize_file(dir / f.pieces[k].file.filename(), pos);
    for (size_t j = k + 1; j < f.pieces.size(); ++j) fs::remove(dir / f.pieces[j].file.filename());
    expect_recovered_prefix(dir, f.prefix_before(g));
  }
}

TEST(Recovery, TruncatedMiddleSegmentDropsEverythingAfterIt) {
  const auto& f = fixture();
  fs::path dir = f.copy("mid-0");
  uint64_t g = f.pieces[0].size + f.pieces[1].size / 2;
  auto [k, pos] = f.locate(g);
  ASSERT_EQ(k, 1u);
  fs::resize_file(dir / f.pieces[1].file.filename(), pos);
  auto log = Log::open(dir, config(), -1, -1, 2000);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)->open_stats().segments_dropped, int(f.pieces.size() - 2));
  EXPECT_EQ(read_all(**log), f.prefix_before(g));
  EXPECT_EQ((*log)->segment_count(), 2u);
}

TEST(Recovery, BitFlipsInTheLast64KiBCutTheLogAtTheDamagedBatch) {
  const auto& f = fixture();
  std::mt19937_64 rng(2);
  uint64_t total = f.total();
  ASSERT_GT(total, 65536u);
  int done = 0;
  for (int i = 0; done < 40; ++i) {
    uint64_t g = total - 1 - rng() % 65536;
    uint64_t start = f.batch_start(g);
    uint64_t within = g - start;
    // baseOffset (0-7) and partitionLeaderEpoch (12-15) lie outside the CRC, in Kafka too.
    if (within < 8 || (within >= 12 && within < 16)) continue;
    ++done;
    SCOPED_TRACE(::testing::Message() << "flip at " << g);
    fs::path dir = f.copy("flip" + std::to_string(i) + "-0");
    auto [k, pos] = f.locate(g);
    auto path = dir / f.pieces[k].file.filename();
    Bytes bytes = read_file(path);
    bytes[pos] ^= uint8_t(1u << (rng() % 8));
    ASSERT_TRUE(io::write_file_atomic(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()))
                    .ok());
    expect_recovered_prefix(dir, f.prefix_before(start));
  }
}

TEST(Recovery, OnlySegmentsFromTheRecoveryPointAreScanned) {
  const auto& f = fixture();
  fs::path dir = f.copy("rp-0");
  auto log = Log::open(dir, config(), model::BatchHeader::parse(f.batches.back().data()).base_offset, -1, 2000);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)->open_stats().segments_recovered, 1);
  EXPECT_EQ(read_all(**log), f.batches);
  expect_indexes_match_scan(**log);
}

TEST(Recovery, MissingIndexFilesAreRebuilt) {
  const auto& f = fixture();
  fs::path dir = f.copy("noidx-0");
  for (auto& p : f.pieces) {
    auto idx = p.file.filename();
    fs::remove(dir / idx.replace_extension(".index"));
    fs::remove(dir / idx.replace_extension(".timeindex"));
  }
  fs::path stray = dir / (format_offset_name(999999) + ".index");
  ASSERT_TRUE(io::write_file_atomic(stray, "12345678").ok());
  auto log = Log::open(dir, config(), -1, -1, 2000);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(read_all(**log), f.batches);
  expect_indexes_match_scan(**log);
  EXPECT_FALSE(fs::exists(stray));
}

}  // namespace
}  // namespace gregor::storage
