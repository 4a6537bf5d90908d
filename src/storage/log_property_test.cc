// Property test: random sequences of append, roll, flush, close/reopen, crash/reopen and
// truncate against an in-memory model of the log. A failing seed is printed; rerun it alone
// by changing kFirstSeed.
#include <gtest/gtest.h>

#include <random>

#include "model/batch_iterator.h"
#include "storage/log.h"
#include "storage/partition_dir.h"
#include "storage/test_util.h"

namespace gregor::storage {
namespace {

using namespace test_util;

struct ModelBatch {
  Bytes input;  // as the producer sent it
  int64_t base;
  int32_t epoch;
  int64_t last() const { return base + model::BatchHeader::parse(input.data()).last_offset_delta; }
};

struct Model {
  std::vector<ModelBatch> batches;
  int64_t start = 0;
  int64_t leo = 0;
};

// Index entries point at real batch starts, the time index holds running maxima, and the
// segment's bookkeeping agrees with its bytes.
void check_segment_indexes(const Log& log) {
  for (auto base : log.segment_bases()) {
    const Segment& seg = log.segment(base);
    Bytes bytes = read_file(segment_file(log.dir(), base, kLogSuffix));
    ASSERT_EQ(bytes.size(), seg.size());
    std::map<uint64_t, model::BatchHeader> at;
    int64_t max_ts = -1;
    model::BatchIterator it(bytes);
    while (auto b = it.next()) {
      at[b->position] = b->header;
      max_ts = std::max(max_ts, b->header.max_timestamp);
    }
    ASSERT_EQ(it.stop(), model::BatchIterator::Stop::clean_end);
    EXPECT_EQ(seg.max_timestamp(), max_ts);
    auto offsets = seg.offset_index().all();
    for (size_t i = 0; i < offsets.size(); ++i) {
      ASSERT_TRUE(at.count(offsets[i].position)) << "index entry off a batch boundary";
      EXPECT_EQ(at[offsets[i].position].last_offset(), offsets[i].offset);
      if (i) {
        EXPECT_LT(offsets[i - 1].offset, offsets[i].offset);
      }
    }
    auto times = seg.time_index().all();
    for (size_t i = 0; i < times.size(); ++i) {
      int64_t prefix_max = -1;
      bool found = false;
      for (auto& [pos, h] : at) {
        if (h.last_offset() > times[i].offset) break;
        prefix_max = std::max(prefix_max, h.max_timestamp);
        found |= h.last_offset() == times[i].offset;
      }
      EXPECT_TRUE(found);
      EXPECT_EQ(prefix_max, times[i].timestamp);
      if (i) {
        EXPECT_LT(times[i - 1].timestamp, times[i].timestamp);
      }
    }
  }
}

void check(const Log& log, const Model& m, std::mt19937& rng) {
  ASSERT_EQ(log.log_end_offset(), m.leo);
  ASSERT_EQ(log.log_start_offset(), m.start);
  auto all = read_all(log);
  ASSERT_EQ(all.size(), m.batches.size());
  for (size_t i = 0; i < all.size(); ++i) {
    auto h = model::BatchHeader::parse(all[i].data());
    EXPECT_EQ(h.base_offset, m.batches[i].base);
    EXPECT_EQ(h.partition_leader_epoch, m.batches[i].epoch);
    EXPECT_TRUE(std::equal(all[i].begin() + 16, all[i].end(), m.batches[i].input.begin() + 16));
  }
  check_segment_indexes(log);
  if (!m.batches.empty()) {
    const auto& b = m.batches[rng() % m.batches.size()];
    int64_t o = b.base + int64_t(rng() % uint64_t(b.last() - b.base + 1));
    auto r = log.read(o, 1, INT64_MAX, true);
    ASSERT_TRUE(r.ok());
    auto hs = headers_of(read_slice(*r));
    ASSERT_EQ(hs.size(), 1u);
    EXPECT_EQ(hs[0].base_offset, b.base);
  }
}

constexpr unsigned kFirstSeed = 0;
constexpr int kSequences = 300;

TEST(LogProperty, RandomOperationSequencesMatchTheModel) {
  for (unsigned seed = kFirstSeed; seed < kFirstSeed + kSequences; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    std::mt19937 rng(seed);
    TempDir tmp;
    auto dir = tmp.path() / "p-0";
    LogConfig cfg;
    cfg.segment_bytes = std::vector<int64_t>{1024, 2048, 4096}[rng() % 3];
    cfg.index_interval_bytes = std::vector<int32_t>{64, 256, 1024}[rng() % 3];
    auto opened = Log::open(dir, cfg, -1, -1, 1000);
    ASSERT_TRUE(opened.ok());
    std::unique_ptr<Log> log = std::move(*opened);
    Model m;
    int32_t epoch = 0;
    int64_t ts = 1000;
    int ops = 10 + int(rng() % 25);
    for (int op = 0; op < ops && !::testing::Test::HasFailure(); ++op) {
      unsigned dice = rng() % 100;
      if (dice < 50) {  // append 1-3 batches
        if (rng() % 8 == 0) ++epoch;
        Bytes records;
        std::vector<Bytes> parts;
        int k = 1 + int(rng() % 3);
        for (int i = 0; i < k; ++i) {
          ts += int64_t(rng() % 50) - 10;
          parts.push_back(batch(1 + int(rng() % 4), ts, rng() % 300, model::Compression(rng() % 5)));
          records.insert(records.end(), parts.back().begin(), parts.back().end());
        }
        auto a = log->append(records, epoch, 1000);
        ASSERT_TRUE(a.ok()) << a.error().message;
        ASSERT_EQ(a->first_offset, m.leo);
        for (auto& p : parts) {
          ModelBatch mb{p, m.leo, epoch};
          m.leo = mb.last() + 1;
          m.batches.push_back(std::move(mb));
        }
      } else if (dice < 58) {
        ASSERT_TRUE(log->roll(1000).ok());
      } else if (dice < 63) {
        ASSERT_TRUE(log->flush().ok());
      } else if (dice < 73) {  // clean close and reopen
        int64_t start = log->log_start_offset();
        ASSERT_TRUE(log->close().ok());
        log.reset();
        auto r = Log::open(dir, cfg, -1, start, 2000);
        ASSERT_TRUE(r.ok()) << r.error().message;
        log = std::move(*r);
        EXPECT_EQ(log->open_stats().segments_recovered, 0);
      } else if (dice < 83) {  // crash (no close) and reopen
        int64_t rp = rng() % 2 ? log->recovery_point() : -1;
        int64_t start = log->log_start_offset();
        log.reset();
        auto r = Log::open(dir, cfg, rp, start, 2000);
        ASSERT_TRUE(r.ok()) << r.error().message;
        log = std::move(*r);
        EXPECT_EQ(log->open_stats().bytes_truncated, 0u);
      } else {  // truncate
        int64_t to = m.start + int64_t(rng() % uint64_t(m.leo - m.start + 1));
        ASSERT_TRUE(log->truncate_to(to).ok());
        if (to < m.leo) {
          while (!m.batches.empty() && m.batches.back().last() >= to) m.batches.pop_back();
          if (m.batches.empty()) {
            m.leo = to <= m.start ? to : m.start;
            m.start = std::min(m.start, to);
          } else {
            m.leo = m.batches.back().last() + 1;
          }
        }
      }
      check(*log, m, rng);
    }
    if (::testing::Test::HasFailure()) return;
  }
}

}  // namespace
}  // namespace gregor::storage
