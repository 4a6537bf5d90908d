#include "cli/perf_report.h"

#include <fmt/format.h>

#include <ctime>

namespace gregor::cli {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

double per_sec(double amount, double seconds) { return seconds > 0 ? amount / seconds : 0.0; }
double ms(uint64_t micros) { return static_cast<double>(micros) / 1000.0; }

// Kafka's consumer perf test prints times as "yyyy-MM-dd HH:mm:ss:SSS" in local time.
std::string format_wall(int64_t wall_ms) {
  const std::time_t secs = static_cast<std::time_t>(wall_ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return fmt::format("{}:{:03d}", buf, static_cast<int>(wall_ms % 1000));
}

}  // namespace

double ProduceSummary::records_per_sec() const { return per_sec(static_cast<double>(records), elapsed_s); }
double ProduceSummary::mb_per_sec() const { return per_sec(static_cast<double>(bytes) / kMiB, elapsed_s); }

ProduceSummary summarize_produce(const LatencyHistogram& latencies, uint64_t bytes, uint64_t errors,
                                 double elapsed_s) {
  ProduceSummary s;
  s.records = latencies.count();
  s.bytes = bytes;
  s.errors = errors;
  s.elapsed_s = elapsed_s;
  s.avg_ms = latencies.mean() / 1000.0;
  s.max_ms = ms(latencies.max());
  s.p50_ms = ms(latencies.percentile(50));
  s.p95_ms = ms(latencies.percentile(95));
  s.p99_ms = ms(latencies.percentile(99));
  s.p999_ms = ms(latencies.percentile(99.9));
  return s;
}

std::string format_produce_progress(uint64_t records, uint64_t bytes, double window_s, double avg_ms,
                                    double max_ms) {
  return fmt::format("{} records sent, {:.1f} records/sec ({:.2f} MB/sec), {:.2f} ms avg latency, "
                     "{:.2f} ms max latency.",
                     records, per_sec(static_cast<double>(records), window_s),
                     per_sec(static_cast<double>(bytes) / kMiB, window_s), avg_ms, max_ms);
}

std::string format_produce_final(const ProduceSummary& s) {
  return fmt::format("{} records sent, {:.1f} records/sec ({:.2f} MB/sec), {:.2f} ms avg latency, "
                     "{:.2f} ms max latency, {:.2f} ms 50th, {:.2f} ms 95th, {:.2f} ms 99th, {:.2f} ms 99.9th.",
                     s.records, s.records_per_sec(), s.mb_per_sec(), s.avg_ms, s.max_ms, s.p50_ms, s.p95_ms,
                     s.p99_ms, s.p999_ms);
}

std::string produce_summary_json(const ProduceSummary& s) {
  return fmt::format(
      "{{\"records\":{},\"bytes\":{},\"errors\":{},\"elapsed_s\":{:.3f},\"records_per_sec\":{:.1f},"
      "\"mb_per_sec\":{:.3f},\"avg_latency_ms\":{:.3f},\"max_latency_ms\":{:.3f},\"p50_ms\":{:.3f},"
      "\"p95_ms\":{:.3f},\"p99_ms\":{:.3f},\"p999_ms\":{:.3f}}}",
      s.records, s.bytes, s.errors, s.elapsed_s, s.records_per_sec(), s.mb_per_sec(), s.avg_ms, s.max_ms,
      s.p50_ms, s.p95_ms, s.p99_ms, s.p999_ms);
}

double ConsumeSummary::mb() const { return static_cast<double>(bytes) / kMiB; }
double ConsumeSummary::records_per_sec() const { return per_sec(static_cast<double>(records), elapsed_s); }
double ConsumeSummary::mb_per_sec() const { return per_sec(mb(), elapsed_s); }

std::string format_consume_report(const ConsumeSummary& s) {
  return fmt::format(
      "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, "
      "fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n"
      "{}, {}, {:.4f}, {:.4f}, {}, {:.4f}, 0, {}, {:.4f}, {:.4f}\n",
      format_wall(s.start_wall_ms), format_wall(s.end_wall_ms), s.mb(), s.mb_per_sec(), s.records,
      s.records_per_sec(), static_cast<int64_t>(s.elapsed_s * 1000.0), s.mb_per_sec(), s.records_per_sec());
}

std::string consume_summary_json(const ConsumeSummary& s) {
  return fmt::format(
      "{{\"records\":{},\"bytes\":{},\"mb\":{:.4f},\"elapsed_s\":{:.3f},\"records_per_sec\":{:.1f},"
      "\"mb_per_sec\":{:.3f}}}",
      s.records, s.bytes, s.mb(), s.elapsed_s, s.records_per_sec(), s.mb_per_sec());
}

}  // namespace gregor::cli
