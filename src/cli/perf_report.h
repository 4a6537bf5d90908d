// The figures `gregor perf produce|consume` print, and their text and JSON forms.
// Text lines follow kafka-producer-perf-test / kafka-consumer-perf-test; latencies are in
// milliseconds with two decimals (Gregor's latencies are often below 1 ms). The JSON forms
// are one object on one line, for scripts; the field names are a stable interface.
// Pure formatting; MB means 2^20 bytes, as in Kafka's tools.
#pragma once

#include <cstdint>
#include <string>

#include "cli/latency_histogram.h"

namespace gregor::cli {

struct ProduceSummary {
  uint64_t records = 0;  // Acknowledged records.
  uint64_t bytes = 0;    // Their payload bytes.
  uint64_t errors = 0;   // Records whose delivery failed.
  double elapsed_s = 0;  // First produce() to the last delivery report.
  double avg_ms = 0, max_ms = 0, p50_ms = 0, p95_ms = 0, p99_ms = 0, p999_ms = 0;

  double records_per_sec() const;
  double mb_per_sec() const;
};

// Fills the latency fields from latencies (microseconds).
ProduceSummary summarize_produce(const LatencyHistogram& latencies, uint64_t bytes, uint64_t errors,
                                 double elapsed_s);

// "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency." for one window.
std::string format_produce_progress(uint64_t records, uint64_t bytes, double window_s, double avg_ms,
                                    double max_ms);
// The final line: totals, then 50th, 95th, 99th and 99.9th percentiles.
std::string format_produce_final(const ProduceSummary& s);
// {"records":..,"bytes":..,"errors":..,"elapsed_s":..,"records_per_sec":..,"mb_per_sec":..,
//  "avg_latency_ms":..,"max_latency_ms":..,"p50_ms":..,"p95_ms":..,"p99_ms":..,"p999_ms":..}
std::string produce_summary_json(const ProduceSummary& s);

struct ConsumeSummary {
  uint64_t records = 0;
  uint64_t bytes = 0;           // Keys plus values.
  int64_t start_wall_ms = 0;    // Wall clock when consumption started.
  int64_t end_wall_ms = 0;      // Wall clock of the last record.
  double elapsed_s = 0;         // Monotonic time from start to the last record.

  double mb() const;
  double records_per_sec() const;
  double mb_per_sec() const;
};

// kafka-consumer-perf-test's two lines: the column header, then the values
// (rebalance.time.ms is 0: partitions are assigned, there is no group).
std::string format_consume_report(const ConsumeSummary& s);
// {"records":..,"bytes":..,"mb":..,"elapsed_s":..,"records_per_sec":..,"mb_per_sec":..}
std::string consume_summary_json(const ConsumeSummary& s);

}  // namespace gregor::cli
