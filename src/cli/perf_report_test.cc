#include "cli/perf_report.h"

#include <gtest/gtest.h>

#include "cli/payload_pool.h"

namespace gregor::cli {
namespace {

TEST(PerfReport, FinalLineCarriesThroughputAndPercentilesInMs) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.record(v * 10);  // 10 us .. 1000 us.
  ProduceSummary s = summarize_produce(h, 100 * 1024, 0, 2.0);
  EXPECT_EQ(s.records, 100u);
  EXPECT_DOUBLE_EQ(s.records_per_sec(), 50.0);
  EXPECT_NEAR(s.p50_ms, 0.5, 0.005);
  EXPECT_NEAR(s.p99_ms, 0.99, 0.01);
  EXPECT_DOUBLE_EQ(s.max_ms, 1.0);
  EXPECT_EQ(format_produce_final(s),
            "100 records sent, 50.0 records/sec (0.05 MB/sec), 0.51 ms avg latency, 1.00 ms max latency, "
            "0.50 ms 50th, 0.95 ms 95th, 0.99 ms 99th, 1.00 ms 99.9th.");
}

TEST(PerfReport, ProgressLine) {
  EXPECT_EQ(format_produce_progress(5000, 5000 * 1024, 5.0, 1.234, 9.5),
            "5000 records sent, 1000.0 records/sec (0.98 MB/sec), 1.23 ms avg latency, 9.50 ms max latency.");
  EXPECT_EQ(format_produce_progress(0, 0, 0.0, 0.0, 0.0),
            "0 records sent, 0.0 records/sec (0.00 MB/sec), 0.00 ms avg latency, 0.00 ms max latency.");
}

TEST(PerfReport, ProduceJsonIsOneObjectWithStableFields) {
  LatencyHistogram h;
  h.record(2000);
  ProduceSummary s = summarize_produce(h, 1048576, 3, 0.5);
  EXPECT_EQ(produce_summary_json(s),
            "{\"records\":1,\"bytes\":1048576,\"errors\":3,\"elapsed_s\":0.500,\"records_per_sec\":2.0,"
            "\"mb_per_sec\":2.000,\"avg_latency_ms\":2.000,\"max_latency_ms\":2.000,\"p50_ms\":2.000,"
            "\"p95_ms\":2.000,\"p99_ms\":2.000,\"p999_ms\":2.000}");
}

TEST(PerfReport, ConsumeReportAndJson) {
  ConsumeSummary s;
  s.records = 1000;
  s.bytes = 2 * 1048576;
  s.start_wall_ms = 1700000000123;
  s.end_wall_ms = 1700000002123;
  s.elapsed_s = 2.0;
  const std::string text = format_consume_report(s);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, "
            "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec");
  EXPECT_NE(text.find(":123, "), std::string::npos);
  EXPECT_NE(text.find(", 2.0000, 1.0000, 1000, 500.0000, 0, 2000, 1.0000, 500.0000\n"), std::string::npos);
  EXPECT_EQ(consume_summary_json(s),
            "{\"records\":1000,\"bytes\":2097152,\"mb\":2.0000,\"elapsed_s\":2.000,\"records_per_sec\":500.0,"
            "\"mb_per_sec\":1.000}");
}

TEST(PayloadPool, PayloadsAreLettersDistinctAndDeterministic) {
  PayloadPool a(100), b(100);
  EXPECT_EQ(a.record_size(), 100u);
  int differing = 0;
  for (uint64_t i = 0; i < 50; ++i) {
    const uint8_t* p = a.payload(i);
    for (size_t j = 0; j < 100; ++j) ASSERT_TRUE(p[j] >= 'A' && p[j] <= 'Z');
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(p), 100),
              std::string(reinterpret_cast<const char*>(b.payload(i)), 100));
    if (std::string(reinterpret_cast<const char*>(p), 100) !=
        std::string(reinterpret_cast<const char*>(a.payload(i + 1)), 100)) {
      ++differing;
    }
  }
  EXPECT_EQ(differing, 50);
  PayloadPool big(PayloadPool::kMinPoolBytes);  // Record as large as the minimum pool.
  EXPECT_NE(big.payload(7), nullptr);
}

}  // namespace
}  // namespace gregor::cli
