#include "cli/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "base/assert.h"

namespace gregor::cli {
namespace {

constexpr int kSubBits = 7;                         // 128 sub-buckets per power of two.
constexpr uint64_t kSubCount = uint64_t{1} << kSubBits;
constexpr int kTopBit = 39;                         // Highest bit of kMaxValue.
constexpr size_t kBucketCount = (kTopBit - kSubBits + 2) * kSubCount;

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0) {}

size_t LatencyHistogram::bucket_of(uint64_t micros) {
  micros = std::min(micros, kMaxValue);
  if (micros < 2 * kSubCount) return static_cast<size_t>(micros);  // Exact below 256.
  const int top = std::bit_width(micros) - 1;  // >= kSubBits + 1
  const int shift = top - kSubBits;
  const uint64_t sub = (micros >> shift) - kSubCount;  // [0, 128)
  return static_cast<size_t>((shift + 1) * kSubCount + sub);
}

uint64_t LatencyHistogram::bucket_upper(size_t index) {
  if (index < 2 * kSubCount) return index;
  const int shift = static_cast<int>(index / kSubCount) - 1;
  const uint64_t sub = index % kSubCount + kSubCount;
  return ((sub + 1) << shift) - 1;
}

void LatencyHistogram::record(uint64_t micros) {
  micros = std::min(micros, kMaxValue);
  ++buckets_[bucket_of(micros)];
  min_ = count_ == 0 ? micros : std::min(min_, micros);
  max_ = std::max(max_, micros);
  sum_ += micros;
  ++count_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
  count_ += other.count_;
}

void LatencyHistogram::reset() {
  std::fill(buckets_.begin(), buckets_.end(), 0);
  count_ = sum_ = min_ = max_ = 0;
}

uint64_t LatencyHistogram::percentile(double p) const {
  GREGOR_ASSERT(p >= 0.0 && p <= 100.0);
  if (count_ == 0) return 0;
  // Nearest rank, 1-based: the ceil(p/100 * n)-th smallest value, at least the first.
  // The epsilon keeps float noise (99.9% of 1000 = 999.0000001) from skipping a rank.
  const double exact = p * static_cast<double>(count_) / 100.0;
  uint64_t rank = static_cast<uint64_t>(std::ceil(exact - 1e-7));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::clamp(bucket_upper(i), min_, max_);
  }
  return max_;
}

}  // namespace gregor::cli
