// LatencyHistogram: counts latencies in microseconds in log-linear buckets (128 per power of
// two), so any percentile is known to within 1/128 (0.8%) of the true value, values below 256
// exactly, in fixed memory (about 36 KiB) however many records are recorded. Also keeps the
// exact count, sum, min and max.
// Percentiles use the nearest-rank rule: percentile(p) is the smallest recorded value v such
// that at least p% of the values are <= v; the bucket's upper edge is returned, capped at max().
// Thread-safety: none; one owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gregor::cli {

class LatencyHistogram {
 public:
  // Values above kMaxValue (about 12.7 days) are counted as kMaxValue.
  static constexpr uint64_t kMaxValue = (uint64_t{1} << 40) - 1;

  LatencyHistogram();

  void record(uint64_t micros);
  void merge(const LatencyHistogram& other);
  void reset();

  uint64_t count() const { return count_; }
  uint64_t sum() const { return sum_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }

  // REQUIRES: 0 <= p <= 100. Returns 0 when empty.
  uint64_t percentile(double p) const;

  // Bucket arithmetic, exposed for tests.
  static size_t bucket_of(uint64_t micros);
  static uint64_t bucket_upper(size_t index);

 private:
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = 0;
  uint64_t max_ = 0;
};

}  // namespace gregor::cli
