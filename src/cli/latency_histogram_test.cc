#include "cli/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace gregor::cli {
namespace {

// The exact nearest-rank percentile of sorted values.
uint64_t exact_percentile(const std::vector<uint64_t>& sorted, double p) {
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * double(sorted.size()) - 1e-7));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

TEST(LatencyHistogram, EmptyHistogramReportsZeros) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(50), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(LatencyHistogram, SmallValuesAreExactWithNearestRank) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.percentile(50), 50u);
  EXPECT_EQ(h.percentile(99), 99u);
  EXPECT_EQ(h.percentile(99.9), 100u);
  EXPECT_EQ(h.percentile(100), 100u);
  EXPECT_EQ(h.percentile(0), 1u);
  EXPECT_EQ(h.percentile(1), 1u);
  EXPECT_EQ(h.percentile(1.5), 2u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 100u);
}

TEST(LatencyHistogram, RankArithmeticDoesNotSkipOnFloatNoise) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 1000; ++v) h.record(v < 256 ? v : 255);  // Exact range.
  EXPECT_EQ(h.percentile(99.9), 255u);
  LatencyHistogram g;
  for (uint64_t v = 0; v < 999; ++v) g.record(10);
  g.record(200);
  EXPECT_EQ(g.percentile(99.9), 10u);  // Rank 999 of 1000 is still 10.
  EXPECT_EQ(g.percentile(99.91), 200u);
}

TEST(LatencyHistogram, BucketsAreContiguousAndWithinOnePercent) {
  uint64_t previous_upper = 0;
  for (size_t i = 1; i < LatencyHistogram::bucket_of(LatencyHistogram::kMaxValue); ++i) {
    const uint64_t upper = LatencyHistogram::bucket_upper(i);
    ASSERT_GT(upper, previous_upper);
    ASSERT_EQ(LatencyHistogram::bucket_of(upper), i);
    ASSERT_EQ(LatencyHistogram::bucket_of(previous_upper + 1), i);
    const uint64_t lower = previous_upper + 1;
    ASSERT_LE(double(upper - lower), double(lower) / 128.0 + 1.0) << i;
    previous_upper = upper;
  }
  EXPECT_EQ(LatencyHistogram::bucket_upper(LatencyHistogram::bucket_of(LatencyHistogram::kMaxValue)),
            LatencyHistogram::kMaxValue);
}

TEST(LatencyHistogram, PercentilesOfRandomDataAreWithinBucketError) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(7.0, 1.5);  // Median around 1 ms, long tail.
  LatencyHistogram h;
  std::vector<uint64_t> values;
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<uint64_t>(dist(rng));
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 50.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
    const double exact = double(exact_percentile(values, p));
    const double got = double(h.percentile(p));
    EXPECT_GE(got, exact) << p;  // Upper edge of the bucket holding the exact value.
    EXPECT_LE(got, exact * (1.0 + 1.0 / 128.0) + 1.0) << p;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.percentile(100), values.back());
}

TEST(LatencyHistogram, MergeAndResetAndClamp) {
  LatencyHistogram a, b;
  a.record(10);
  b.record(5000);
  b.record(LatencyHistogram::kMaxValue + 12345);
  a.merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.min(), 10u);
  EXPECT_EQ(a.max(), LatencyHistogram::kMaxValue);
  EXPECT_EQ(a.percentile(50), LatencyHistogram::bucket_upper(LatencyHistogram::bucket_of(5000)));
  a.reset();
  EXPECT_EQ(a.count(), 0u);
  EXPECT_EQ(a.percentile(99), 0u);
}

}  // namespace
}  // namespace gregor::cli
