#include "storage/log.h"

#include <gtest/gtest.h>

#include "model/error_code.h"
#include "model/record.h"
#include "storage/partition_dir.h"
#include "storage/test_util.h"

namespace gregor::storage {
namespace {

using namespace test_util;
using model::ErrorCode;

LogConfig small_config() {
  LogConfig c;
  c.segment_bytes = 16 * 1024;
  c.index_interval_bytes = 512;
  return c;
}

std::unique_ptr<Log> open_log(const std::filesystem::path& dir, LogConfig cfg = small_config(), int64_t rp = -1,
                              int64_t start = -1, int64_t now = 1000) {
  auto log = Log::open(dir, cfg, rp, start, now);
  GREGOR_ASSERT(log.ok());
  return std::move(*log);
}

int16_t code_of(const Result<AppendInfo>& r) { return r.ok() ? 0 : r.error().code; }

TEST(Log, AppendAssignsOffsetsStampsEpochAndReadReturnsTheBatches) {
  TempDir d;
  auto log = open_log(d.path() / "t-0", LogConfig{});
  EXPECT_EQ(log->log_end_offset(), 0);
  auto a = log->append(batch(3, 100), 5, 1000);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->first_offset, 0);
  EXPECT_EQ(a->last_offset, 2);
  EXPECT_EQ(a->record_count, 3);
  EXPECT_EQ(a->max_timestamp, 102);
  EXPECT_EQ(a->offset_of_max_timestamp, 2);
  EXPECT_EQ(a->log_append_time, -1);
  auto b = log->append(batch(2, 200), 6, 1000);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->first_offset, 3);
  EXPECT_EQ(log->log_end_offset(), 5);

  auto r = log->read(0, 1 << 20, INT64_MAX, false);
  ASSERT_TRUE(r.ok());
  Bytes bytes = read_slice(*r);
  auto hs = headers_of(bytes);
  ASSERT_EQ(hs.size(), 2u);
  EXPECT_EQ(hs[0].base_offset, 0);
  EXPECT_EQ(hs[0].partition_leader_epoch, 5);
  EXPECT_EQ(hs[1].base_offset, 3);
  EXPECT_EQ(hs[1].partition_leader_epoch, 6);
  EXPECT_TRUE(model::validate_batch(ByteView(bytes).subspan(0, hs[0].size_bytes())).ok());
  auto recs = model::decode_records(ByteView(bytes).subspan(hs[0].size_bytes()));
  ASSERT_TRUE(recs.ok());
  EXPECT_EQ((*recs)[1].offset, 4);
  EXPECT_EQ(log->epochs().entries(), (std::vector<EpochEntry>{{5, 0}, {6, 3}}));
}

TEST(Log, SeveralBatchesInOneAppendGetConsecutiveOffsets) {
  TempDir d;
  auto log = open_log(d.path() / "t-0");
  Bytes two = batch(2, 10);
  Bytes three = batch(3, 20, 10, model::Compression::lz4);
  two.insert(two.end(), three.begin(), three.end());
  auto a = log->append(two, 0, 1000);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first_offset, 0);
  EXPECT_EQ(a->last_offset, 4);
  EXPECT_EQ(a->record_count, 5);
  auto all = read_all(*log);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(model::BatchHeader::parse(all[1].data()).base_offset, 2);
}

TEST(Log, CorruptBatchesAreRejectedWithTheRightCodeAndNothingIsWritten) {
  TempDir d;
  auto log = open_log(d.path() / "t-0");
  ASSERT_TRUE(log->append(batch(1, 1), 0, 1000).ok());
  Bytes good = batch(2, 5);
  Bytes bad_crc = good;
  bad_crc[70] ^= 1;
  Bytes both = good;
  both.insert(both.end(), bad_crc.begin(), bad_crc.end());  // a valid batch then a bad one
  EXPECT_EQ(code_of(log->append(both, 0, 1000)), int16_t(ErrorCode::CORRUPT_MESSAGE));
  Bytes partial(good.begin(), good.end() - 3);
  EXPECT_EQ(code_of(log->append(partial, 0, 1000)), int16_t(ErrorCode::CORRUPT_MESSAGE));
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_EQ(code_of(log->append(trailing, 0, 1000)), int16_t(ErrorCode::CORRUPT_MESSAGE));
  EXPECT_EQ(code_of(log->append({}, 0, 1000)), int16_t(ErrorCode::CORRUPT_MESSAGE));
  Bytes magic = good;
  magic[16] = 1;
  EXPECT_EQ(code_of(log->append(magic, 0, 1000)), int16_t(ErrorCode::CORRUPT_MESSAGE));
  Bytes codec = good;
  store_be16(codec.data() + 21, 7);
  model::reseal_crc(codec);
  EXPECT_EQ(code_of(log->append(codec, 0, 1000)), int16_t(ErrorCode::UNSUPPORTED_COMPRESSION_TYPE));
  Bytes count = good;
  store_be32(count.data() + 57, 3);
  model::reseal_crc(count);
  EXPECT_EQ(code_of(log->append(count, 0, 1000)), int16_t(ErrorCode::INVALID_RECORD));
  LogConfig cfg = small_config();
  cfg.max_message_bytes = 200;
  log->set_config(cfg);
  EXPECT_EQ(code_of(log->append(batch(1, 1, 300), 0, 1000)), int16_t(ErrorCode::MESSAGE_TOO_LARGE));
  EXPECT_EQ(log->log_end_offset(), 1);
  EXPECT_EQ(read_all(*log).size(), 1u);
  EXPECT_EQ(log->size_bytes(), batch(1, 1).size());
}

TEST(Log, ReadRespectsMaxBytesMaxOffsetAndMinOne) {
  TempDir d;
  auto log = open_log(d.path() / "t-0", LogConfig{});
  size_t one = 0;
  for (int i = 0; i < 10; ++i) {
    Bytes b = batch(2, i, 50);
    one = b.size();
    ASSERT_TRUE(log->append(b, 0, 1000).ok());
  }
  // max_bytes: whole batches only.
  auto r = log->read(0, int32_t(one * 3 + one / 2), INT64_MAX, false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size, one * 3);
  // An offset inside a batch returns that batch from its start.
  r = log->read(5, int32_t(one), INT64_MAX, false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(headers_of(read_slice(*r)).at(0).base_offset, 4);
  // max_offset (high watermark) excludes batches whose base offset is at or above it.
  r = log->read(0, 1 << 20, 6, false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(headers_of(read_slice(*r)).size(), 3u);
  r = log->read(6, 1 << 20, 6, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size, 0u);
  // min_one returns a first batch larger than max_bytes; without it, nothing.
  r = log->read(0, 10, INT64_MAX, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size, one);
  r = log->read(0, 10, INT64_MAX, false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size, 0u);
  // At the LEO: empty; beyond or below the start: OFFSET_OUT_OF_RANGE.
  r = log->read(20, 1 << 20, INT64_MAX, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size, 0u);
  auto bad = log->read(21, 1 << 20, INT64_MAX, true);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, int16_t(ErrorCode::OFFSET_OUT_OF_RANGE));
  EXPECT_FALSE(log->read(-1, 1 << 20, INT64_MAX, true).ok());
}

TEST(Log, ReadStopsAtTheSegmentHoldingTheOffset) {
  TempDir d;
  auto log = open_log(d.path() / "t-0");
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(log->append(batch(1, i, 200), 0, 1000).ok());
  ASSERT_GT(log->segment_count(), 2u);
  auto bases = log->segment_bases();
  auto r = log->read(bases[1] - 1, 1 << 20, INT64_MAX, false);
  ASSERT_TRUE(r.ok());
  auto hs = headers_of(read_slice(*r));
  EXPECT_EQ(hs.front().base_offset, bases[1] - 1);
  EXPECT_EQ(hs.back().last_offset(), bases[1] - 1);
  for (int64_t o = 0; o < 200; o += 7) {
    auto x = log->read(o, 1, INT64_MAX, true);
    ASSERT_TRUE(x.ok());
    EXPECT_EQ(headers_of(read_slice(*x)).at(0).base_offset, o);
  }
}

TEST(Log, RollsBySegmentBytes) {
  TempDir d;
  LogConfig cfg = small_config();
  cfg.segment_bytes = 4096;
  auto log = open_log(d.path() / "t-0", cfg);
  size_t one = batch(1, 0, 1000).size();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(log->append(batch(1, i, 1000), 0, 1000).ok());
  size_t per = 4096 / one;
  EXPECT_EQ(log->segment_count(), (20 + per - 1) / per);
  for (auto base : log->segment_bases()) EXPECT_LE(log->segment(base).size(), 4096u);
  EXPECT_TRUE(std::filesystem::exists(d.path() / "t-0" / "00000000000000000000.log"));
  EXPECT_TRUE(std::filesystem::exists(d.path() / "t-0" / (format_offset_name(int64_t(per)) + ".log")));
}

TEST(Log, RollsBySegmentMsOnAppendAndOnRollIfDue) {
  TempDir d;
  LogConfig cfg = small_config();
  cfg.segment_ms = 1000;
  auto log = open_log(d.path() / "t-0", cfg, -1, -1, 0);
  ASSERT_TRUE(log->append(batch(1, 5000), 0, 5000).ok());
  ASSERT_TRUE(log->append(batch(1, 5900), 0, 5900).ok());
  EXPECT_EQ(log->segment_count(), 1u);
  ASSERT_TRUE(log->append(batch(1, 6001), 0, 6001).ok());  // record time 1001 ms after the first
  EXPECT_EQ(log->segment_count(), 2u);
  EXPECT_TRUE(log->roll_if_due(6500).ok());  // segment created at 6001
  EXPECT_EQ(log->segment_count(), 2u);
  EXPECT_TRUE(log->roll_if_due(7002).ok());
  EXPECT_EQ(log->segment_count(), 3u);
  EXPECT_TRUE(log->roll_if_due(99999).ok());  // an empty active segment never rolls
  EXPECT_EQ(log->segment_count(), 3u);
}

TEST(Log, LogAppendTimeStampsTheBatch) {
  TempDir d;
  LogConfig cfg = small_config();
  cfg.log_append_time = true;
  auto log = open_log(d.path() / "t-0", cfg);
  auto a = log->append(batch(3, 10), 0, 777777);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->log_append_time, 777777);
  EXPECT_EQ(a->max_timestamp, 777777);
  auto all = read_all(*log);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(model::validate_batch(all[0]).ok());
  auto h = model::BatchHeader::parse(all[0].data());
  EXPECT_EQ(h.timestamp_type(), model::TimestampType::log_append_time);
  EXPECT_EQ(h.max_timestamp, 777777);
  auto recs = model::decode_records(all[0]);
  ASSERT_TRUE(recs.ok());
  for (const auto& rec : *recs) EXPECT_EQ(rec.timestamp, 777777);
  // Every record carries the append time; ListOffsets(MAX_TIMESTAMP) names the first of them.
  EXPECT_EQ(log->max_timestamp_and_offset(), (std::pair<int64_t, int64_t>{777777, 0}));
}

TEST(Log, OffsetForTimestampFindsTheFirstRecordAtOrAfter) {
  TempDir d;
  auto log = open_log(d.path() / "t-0");
  // Batches of 4 records with timestamps 100*i + {0,1,2,3}; batch 7 out of order (older).
  for (int i = 0; i < 60; ++i) {
    int64_t ts = i == 7 ? 50 : 100 * i;
    ASSERT_TRUE(log->append(batch(4, ts, 150, i % 2 ? model::Compression::zstd : model::Compression::none), 0, 1000)
                    .ok());
  }
  ASSERT_GT(log->segment_count(), 1u);
  using P = std::pair<int64_t, int64_t>;
  auto r = log->offset_for_timestamp(0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, (P{0, 0}));
  r = log->offset_for_timestamp(2502);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, (P{25 * 4 + 2, 2502}));
  r = log->offset_for_timestamp(2504);  // between batches
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, (P{26 * 4, 2600}));
  r = log->offset_for_timestamp(51);  // the first offset at or after, not the closest timestamp
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, (P{4, 100}));
  r = log->offset_for_timestamp(5904);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(log->max_timestamp_and_offset(), (P{5903, 239}));
  // Below the log start offset nothing is returned.
  ASSERT_TRUE(log->advance_log_start_offset(30).ok());
  r = log->offset_for_timestamp(0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, (P{30, 52}));  // inside the out-of-order batch 7 (offsets 28-31)
}

TEST(Log, OffsetsBeforeAnswersListOffsetsV0NewestFirst) {
  TempDir d;
  LogConfig cfg = small_config();
  cfg.segment_bytes = 2048;
  auto log = open_log(d.path() / "t-0", cfg);
  // Empty log: the only point is the (empty) active segment's base, the log end.
  EXPECT_EQ(log->offsets_before(-1, 10, 5000), (std::vector<int64_t>{0}));
  EXPECT_EQ(log->offsets_before(-2, 10, 5000), (std::vector<int64_t>{0}));
  // One record per batch, timestamp 100*i: several segments, the active one holding data.
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(log->append(batch(1, 100 * i, 500), 0, 1000).ok());
  auto bases = log->segment_bases();
  ASSERT_GE(bases.size(), 3u);
  ASSERT_FALSE(log->segment(bases.back()).empty());
  std::vector<int64_t> newest_first{20};
  for (auto it = bases.rbegin(); it != bases.rend(); ++it) newest_first.push_back(*it);
  // Latest: the log end, then every segment start, newest first, cut at max_count.
  EXPECT_EQ(log->offsets_before(-1, 100, 5000), newest_first);
  EXPECT_EQ(log->offsets_before(-1, 1, 5000), (std::vector<int64_t>{20}));
  EXPECT_EQ(log->offsets_before(-1, 2, 5000), (std::vector<int64_t>{20, bases.back()}));
  EXPECT_TRUE(log->offsets_before(-1, 0, 5000).empty());
  // Earliest: the oldest segment start only.
  EXPECT_EQ(log->offsets_before(-2, 100, 5000), (std::vector<int64_t>{0}));
  // A timestamp: starts from the newest segment whose max timestamp is at or before it. The
  // first segment's max timestamp is that of its last record, offset bases[1] - 1.
  const int64_t first_max = 100 * (bases[1] - 1);
  EXPECT_EQ(log->offsets_before(first_max, 100, 5000), (std::vector<int64_t>{0}));
  EXPECT_TRUE(log->offsets_before(first_max - 1, 100, 5000).empty());
  EXPECT_EQ(log->offsets_before(4999, 100, 5000).size(), bases.size());  // not the log end (dated now)
  EXPECT_EQ(log->offsets_before(5000, 100, 5000), newest_first);
  // Past the log start, the oldest segment's start is raised to it.
  ASSERT_TRUE(log->advance_log_start_offset(1).ok());
  EXPECT_EQ(log->offsets_before(-2, 100, 5000), (std::vector<int64_t>{1}));
  EXPECT_EQ(log->offsets_before(-1, 100, 5000).back(), 1);
}

TEST(Log, RetentionByTimeDeletesOldSegmentsButNeverPastTheBound) {
  TempDir d;
  LogConfig cfg = small_config();
  cfg.segment_bytes = 2048;
  cfg.retention_ms = 1000;
  auto log = open_log(d.path() / "t-0", cfg);
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(log->append(batch(1, i * 100, 500), 0, 1000).ok());
  size_t before = log->segment_count();
  ASSERT_GT(before, 5u);
  auto bases = log->segment_bases();
  // now = 3000: segments whose max timestamp < 2000 are expired; bound stops at bases[2].
  auto n = log->apply_retention(3000, bases[2]);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(log->log_start_offset(), bases[2]);
  EXPECT_FALSE(std::filesystem::exists(d.path() / "t-0" / (format_offset_name(0) + ".log")));
  n = log->apply_retention(3000, INT64_MAX);
  ASSERT_TRUE(n.ok());
  for (auto base : log->segment_bases()) EXPECT_GE(log->segment(base).max_timestamp(), 2000 - 1);
  EXPECT_EQ(log->read(0, 100, INT64_MAX, true).error().code, int16_t(ErrorCode::OFFSET_OUT_OF_RANGE));
  // Everything expired and bound at the LEO: the log empties into a fresh segment at the LEO.
  n = log->apply_retention(1000000, log->log_end_offset());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(log->log_start_offset(), 40);
  EXPECT_EQ(log->log_end_offset(), 40);
  EXPECT_EQ(log->segment_count(), 1u);
  EXPECT_TRUE(log->append(batch(1, 5), 0, 1000).ok());
}

TEST(Log, RetentionByBytesKeepsAtLeastTheLimit) {
  TempDir d;
  LogConfig cfg = small_config();
  cfg.segment_bytes = 2048;
  cfg.retention_ms = -1;
  cfg.retention_bytes = 5000;
  auto log = open_log(d.path() / "t-0", cfg);
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(log->append(batch(1, i, 500), 0, 1000).ok());
  uint64_t before = log->size_bytes();
  auto n = log->apply_retention(1000, INT64_MAX);
  ASSERT_TRUE(n.ok());
  EXPECT_GT(*n, 0);
  EXPECT_GE(log->size_bytes(), 5000u);
  EXPECT_LT(log->size_bytes(), before);
  uint64_t oldest = log->segment(log->segment_bases()[0]).size();
  EXPECT_LT(log->size_bytes() - oldest, 5000u);  // deleting one more would go below the limit
  auto again = log->apply_retention(1000, INT64_MAX);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

TEST(Log, AdvanceLogStartOffsetDeletesWholeSegmentsBelowIt) {
  TempDir d;
  auto log = open_log(d.path() / "t-0");
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(log->append(batch(1, i, 500), 0, 1000).ok());
  auto bases = log->segment_bases();
  ASSERT_TRUE(log->advance_log_start_offset(bases[2] + 1).ok());
  EXPECT_EQ(log->log_start_offset(), bases[2] + 1);
  EXPECT_EQ(log->segment_bases().front(), bases[2]);
  EXPECT_EQ(log->read(bases[2], 1, INT64_MAX, true).error().code, int16_t(ErrorCode::OFFSET_OUT_OF_RANGE));
  EXPECT_TRUE(log->read(bases[2] + 1, 1, INT64_MAX, true).ok());
  EXPECT_FALSE(log->advance_log_start_offset(101).ok());
}

TEST(Log, TruncateToDropsWholeBatchesAndEpochs) {
  TempDir d;
  auto log = open_log(d.path() / "t-0");
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(log->append(batch(3, i, 300), i / 10, 1000).ok());
  ASSERT_TRUE(log->truncate_to(151).ok());  // inside batch [150, 152]
  EXPECT_EQ(log->log_end_offset(), 150);
  EXPECT_EQ(log->epochs().latest()->epoch, 4);
  auto all = read_all(*log);
  EXPECT_EQ(all.size(), 50u);
  auto a = log->append(batch(1, 5), 9, 1000);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first_offset, 150);
  EXPECT_EQ(log->epochs().latest(), (EpochEntry{9, 150}));
  ASSERT_TRUE(log->truncate_to(0).ok());
  EXPECT_EQ(log->log_end_offset(), 0);
  EXPECT_EQ(log->segment_count(), 1u);
  EXPECT_TRUE(log->epochs().entries().empty());
}

TEST(Log, AppendReplicatedKeepsOffsetsAndEpochs) {
  TempDir d;
  auto leader = open_log(d.path() / "l-0");
  auto follower = open_log(d.path() / "f-0");
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(leader->append(batch(2, i, 100), 1 + i / 10, 1000).ok());
  auto r = leader->read(0, 1 << 20, INT64_MAX, true);
  ASSERT_TRUE(r.ok());
  Bytes bytes = read_slice(*r);
  auto a = follower->append_replicated(bytes);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->first_offset, 0);
  EXPECT_EQ(follower->log_end_offset(), 60);
  EXPECT_EQ(read_all(*follower), read_all(*leader));
  EXPECT_EQ(follower->epochs().entries(), leader->epochs().entries());
  auto again = follower->append_replicated(bytes);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, int16_t(ErrorCode::OFFSET_OUT_OF_RANGE));
}

TEST(Log, FlushAdvancesTheRecoveryPointAndFlushIfDueFollowsThePolicy) {
  TempDir d;
  LogConfig cfg = small_config();
  cfg.flush_messages = 5;
  auto log = open_log(d.path() / "t-0", cfg);
  ASSERT_TRUE(log->append(batch(3, 1), 0, 1000).ok());
  ASSERT_TRUE(log->flush_if_due(1000).ok());
  EXPECT_EQ(log->recovery_point(), 0);
  ASSERT_TRUE(log->append(batch(3, 1), 0, 1000).ok());
  ASSERT_TRUE(log->flush_if_due(1000).ok());
  EXPECT_EQ(log->recovery_point(), 6);
  cfg.flush_messages = INT64_MAX;
  cfg.flush_ms = 100;
  log->set_config(cfg);
  ASSERT_TRUE(log->append(batch(1, 1), 0, 1000).ok());
  ASSERT_TRUE(log->flush_if_due(1050).ok());
  EXPECT_EQ(log->recovery_point(), 6);
  ASSERT_TRUE(log->flush_if_due(1101).ok());
  EXPECT_EQ(log->recovery_point(), 7);
}

TEST(Log, CleanCloseReopensWithoutScanning) {
  TempDir d;
  auto dir = d.path() / "t-0";
  std::vector<Bytes> before;
  {
    auto log = open_log(dir);
    for (int i = 0; i < 300; ++i) ASSERT_TRUE(log->append(batch(5, 1000 + i, 100), 1, 1000).ok());
    EXPECT_GT(log->segment_count(), 3u);
    before = read_all(*log);
    ASSERT_TRUE(log->close().ok());
  }
  EXPECT_TRUE(std::filesystem::exists(dir / kCleanShutdownFile));
  auto log = open_log(dir, small_config(), -1, -1, 2000);
  EXPECT_TRUE(log->open_stats().clean_shutdown);
  EXPECT_EQ(log->open_stats().segments_recovered, 0);
  EXPECT_EQ(log->open_stats().bytes_scanned, 0u);
  EXPECT_FALSE(std::filesystem::exists(dir / kCleanShutdownFile));  // a crash from now on is unclean
  EXPECT_EQ(log->log_end_offset(), 1500);
  EXPECT_EQ(log->recovery_point(), 1500);
  EXPECT_EQ(read_all(*log), before);
  EXPECT_EQ(log->max_timestamp_and_offset(), (std::pair<int64_t, int64_t>{1303, 1499}));
  auto a = log->append(batch(1, 5), 2, 1000);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first_offset, 1500);
}

TEST(Log, CleanOpenWithDamagedIndexRecoversThatSegment) {
  TempDir d;
  auto dir = d.path() / "t-0";
  {
    auto log = open_log(dir);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(log->append(batch(2, i, 300), 0, 1000).ok());
    ASSERT_TRUE(log->close().ok());
  }
  std::filesystem::resize_file(dir / (format_offset_name(0) + ".index"), 13);  // a partial entry
  auto log = open_log(dir);
  EXPECT_TRUE(log->open_stats().clean_shutdown);
  EXPECT_EQ(log->open_stats().segments_recovered, 1);
  EXPECT_EQ(log->log_end_offset(), 200);
  auto idx = read_file(dir / (format_offset_name(0) + ".index"));
  EXPECT_EQ(idx.size() % 8, 0u);
  EXPECT_GT(idx.size(), 0u);
}

TEST(Log, OpenHonoursTheLogStartOffsetCheckpoint) {
  TempDir d;
  auto dir = d.path() / "t-0";
  {
    auto log = open_log(dir);
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(log->append(batch(1, i), 0, 1000).ok());
    ASSERT_TRUE(log->close().ok());
  }
  auto log = open_log(dir, small_config(), -1, 4);
  EXPECT_EQ(log->log_start_offset(), 4);
  EXPECT_EQ(read_all(*log).size(), 6u);
  auto fresh = open_log(d.path() / "u-0", small_config(), -1, 42);
  EXPECT_EQ(fresh->log_start_offset(), 42);
  EXPECT_EQ(fresh->log_end_offset(), 42);
  EXPECT_TRUE(std::filesystem::exists(d.path() / "u-0" / (format_offset_name(42) + ".log")));
}

TEST(Log, ALogStartOffsetPastTheLogEndIsIgnoredNotObeyed) {
  // A corrupt (or crash-outrun) log-start-offset-checkpoint must never empty a partition.
  TempDir d;
  auto dir = d.path() / "t-0";
  {
    auto log = open_log(dir);
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(log->append(batch(1, i), 0, 1000).ok());
    ASSERT_TRUE(log->close().ok());
  }
  auto log = open_log(dir, small_config(), -1, 1000000);
  EXPECT_EQ(log->log_start_offset(), 0);
  EXPECT_EQ(log->log_end_offset(), 10);
  EXPECT_EQ(read_all(*log).size(), 10u);
}

TEST(Log, DestroyRemovesThePartitionDir) {
  TempDir d;
  auto dir = d.path() / "t-0";
  {
    auto log = open_log(dir);
    ASSERT_TRUE(log->append(batch(1, 1), 0, 1000).ok());
    ASSERT_TRUE(log->close().ok());
  }
  ASSERT_TRUE(Log::destroy(dir).ok());
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(Log, RecordTimestampsOutsideTheConfiguredBoundsAreInvalid) {
  TempDir d;
  LogConfig cfg = small_config();
  cfg.timestamp_after_max_ms = 1000;
  cfg.timestamp_before_max_ms = 5000;
  auto log = open_log(d.path() / "t-0", cfg);
  const int64_t now = 1'000'000;
  EXPECT_TRUE(log->append(batch(2, now + 999), 0, now).ok());  // records at now+999, now+1000
  EXPECT_TRUE(log->append(batch(2, now - 5000), 0, now).ok());
  auto ahead = log->append(batch(2, now + 1001), 0, now);
  ASSERT_FALSE(ahead.ok());
  EXPECT_EQ(ahead.error().code, int16_t(model::ErrorCode::INVALID_TIMESTAMP));
  auto behind = log->append(batch(2, now - 5001, 10, model::Compression::lz4), 0, now);
  ASSERT_FALSE(behind.ok());
  EXPECT_EQ(behind.error().code, int16_t(model::ErrorCode::INVALID_TIMESTAMP));
  EXPECT_EQ(log->log_end_offset(), 4);  // nothing of the rejected batches was written
  cfg.log_append_time = true;  // LogAppendTime ignores the producer's timestamps
  log->set_config(cfg);
  EXPECT_TRUE(log->append(batch(2, now + 999999), 0, now).ok());
}


// A batch as sarama before 1.45.1 sends it: the header's maxTimestamp is -1 (CRC resealed), the
// records carry real timestamps.
Bytes batch_with_header_max_ts(int n, int64_t ts, int64_t header_max_ts, size_t value_size = 10) {
  Bytes b = batch(n, ts, value_size);
  model::set_max_timestamp(std::span<uint8_t>(b.data(), b.size()), model::TimestampType::create_time, header_max_ts);
  return b;
}

TEST(Log, RecomputesTheMaxTimestampOfAClientBatchAsKafkaDoes) {
  TempDir d;
  auto log = open_log(d.path() / "t-0");
  // Past the 512-byte index interval many times, in several segments: every index append must
  // stay valid (this aborted the broker in the time index before).
  for (int i = 0; i < 80; ++i) {
    int64_t header_ts = i % 3 == 0 ? -1 : (i % 3 == 1 ? 5 : 1000 * i + 99999);
    auto a = log->append(batch_with_header_max_ts(4, 1000 * i, header_ts, 200), 0, 1000000);
    ASSERT_TRUE(a.ok()) << i << ": " << a.error().message;
    EXPECT_EQ(a->max_timestamp, 1000 * i + 3) << i;
  }
  ASSERT_GT(log->segment_count(), 2u);
  for (const auto& b : read_all(*log)) {
    EXPECT_TRUE(model::validate_batch(b).ok());
    auto h = model::BatchHeader::parse(b.data());
    EXPECT_EQ(h.max_timestamp, h.base_timestamp + 3);
    EXPECT_EQ(h.timestamp_type(), model::TimestampType::create_time);
  }
  auto found = log->offset_for_timestamp(40000);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->first, 160);
  EXPECT_EQ(log->max_timestamp_and_offset(), (std::pair<int64_t, int64_t>{79003, 319}));
}

TEST(Log, BatchesWithoutTimestampsNeverBreakTheTimeIndexOrRecovery) {
  TempDir d;
  auto dir = d.path() / "t-0";
  {
    auto log = open_log(dir);
    // Records without timestamps (-1 each, so -1 is the true max): nothing for the time index.
    for (int i = 0; i < 30; ++i) {
      auto a = log->append(batch_with_header_max_ts(2, -1, -1, 300), 0, 1000000);
      ASSERT_TRUE(a.ok()) << i << ": " << a.error().message;
    }
    ASSERT_TRUE(log->close().ok());
  }
  // Recovery of every segment (no recovery point) must not invent an entry at offset -1.
  {
    auto log = open_log(dir, small_config(), 0);
    for (int i = 0; i < 30; ++i) {
      auto a = log->append(batch(2, 5000 + i, 300), 0, 1000000);
      ASSERT_TRUE(a.ok()) << i << ": " << a.error().message;
    }
    ASSERT_TRUE(log->close().ok());
  }
  auto log = open_log(dir, small_config(), 0);
  auto a = log->append(batch(2, 9000, 300), 0, 1000000);
  ASSERT_TRUE(a.ok()) << a.error().message;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".timeindex") continue;
    int64_t base = std::stoll(entry.path().stem().string());
    Bytes t = read_file(entry.path());
    ASSERT_EQ(t.size() % 12, 0u);
    for (size_t i = 0; i < t.size(); i += 12) {
      EXPECT_GE(int64_t(load_be64(t.data() + i)), 0) << entry.path();
      EXPECT_LT(load_be32(t.data() + i + 8), 1000u) << entry.path() << " base " << base;
    }
  }
}

TEST(Log, RefusesAnIdempotentBatchWithoutASequence) {
  TempDir d;
  auto log = open_log(d.path() / "t-0");
  model::BatchBuilder b;
  b.producer(7, 0, -1);
  b.add(std::string_view("k"), std::string_view("v"), 100);
  EXPECT_EQ(code_of(log->append(*b.build(), 0, 1000)), int16_t(ErrorCode::INVALID_RECORD));
}


TEST(Log, TruncationAtTheEndStillDropsEpochsThatStartThere) {
  // A replica led epoch 2 and wrote nothing in it; the new leader's diverging epoch ends at
  // this replica's LEO. Kafka cuts the epoch cache even though no data goes.
  TempDir d;
  auto log = open_log(d.path() / "t-0");
  ASSERT_TRUE(log->append(batch(3, 100), 1, 1000).ok());
  log->assign_epoch(2, 3);
  ASSERT_EQ(log->epochs().latest()->epoch, 2);
  ASSERT_TRUE(log->truncate_to(3).ok());
  EXPECT_EQ(log->log_end_offset(), 3);
  ASSERT_TRUE(log->epochs().latest().has_value());
  EXPECT_EQ(log->epochs().latest()->epoch, 1);
  // And the cut persists.
  ASSERT_TRUE(log->close().ok());
  log.reset();
  log = open_log(d.path() / "t-0");
  EXPECT_EQ(log->epochs().latest()->epoch, 1);
}

TEST(Log, EpochsReachTheFileBeforeTheRecoveryPointPassesTheirData) {
  // Epoch changes stay in memory until a flush (or close): a flush writes them before it moves
  // the recovery point, because recovery never rescans the data below it.
  TempDir d;
  auto dir = d.path() / "t-0";
  auto epochs_on_disk = [&] {
    auto c = LeaderEpochCache::open(dir / kLeaderEpochCheckpointFile);
    GREGOR_ASSERT(c.ok());
    return (*c)->entries();
  };
  auto log = open_log(dir);
  log->assign_epoch(3, 0);  // became leader of epoch 3: in memory only
  EXPECT_EQ(epochs_on_disk(), std::vector<EpochEntry>{});
  while (log->segment_bases().size() < 3) ASSERT_TRUE(log->append(batch(20, 100, 100), 3, 1000).ok());
  ASSERT_TRUE(log->append(batch(20, 100, 100), 5, 1000).ok());
  const int64_t epoch5_start = log->epochs().latest()->start_offset;
  ASSERT_TRUE(log->flush().ok());
  EXPECT_EQ(log->recovery_point(), log->log_end_offset());
  EXPECT_EQ(epochs_on_disk(), (std::vector<EpochEntry>{{3, 0}, {5, epoch5_start}}));
  log->assign_epoch(7, log->log_end_offset());  // a leader that wrote nothing yet
  // kill -9, restarted with the recovery point the checkpoint holds: only the last segment is
  // scanned, and the epochs of the flushed data come from the file.
  const int64_t rp = log->recovery_point();
  log.reset();
  log = open_log(dir, small_config(), rp);
  EXPECT_EQ(log->epochs().entries(), (std::vector<EpochEntry>{{3, 0}, {5, epoch5_start}}));
}

}  // namespace
}  // namespace gregor::storage
