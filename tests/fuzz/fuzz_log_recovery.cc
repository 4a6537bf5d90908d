// fuzz_log_recovery: the input is the content of a partition's only segment file,
// 00000000000000000000.log, found after a crash (no clean-shutdown marker). Log::open must
// recover it by cutting the file at the first invalid byte, never crash, and leave a log whose
// every batch reads back and validates. Checks:
//   - open succeeds; the kept bytes are a prefix of the input and the rest is truncated;
//   - reading from the log start to the LEO returns exactly those bytes, batch by batch, each
//     passing the checks recovery makes (framing, CRC, magic, codec, offsets increasing);
//   - ListOffsets by timestamp works on the result;
//   - recovery is idempotent: a clean close and reopen, and a crash (no close) and reopen,
//     give the same log and truncate nothing more (checked when the log kept anything).
// The input runs twice: as given, and with the CRC of every framed batch recomputed (so
// mutations get past the CRC check into the offset and index logic). One partition dir under
// /dev/shm is reused; its files are deleted before each run.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "fuzz_common.h"
#include "model/batch_iterator.h"
#include "model/record_batch.h"
#include "storage/log.h"

namespace gregor::storage {
namespace {

namespace fs = std::filesystem;

fs::path g_dir;

void clear_dir() {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(g_dir, ec)) fs::remove_all(e.path(), ec);
}

void write_segment(ByteView bytes) {
  std::ofstream out(g_dir / "00000000000000000000.log", std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  out.close();
  FUZZ_CHECK(out.good());
}

LogConfig config() {
  LogConfig cfg;
  cfg.index_interval_bytes = 256;  // small, so fuzz-sized segments get index entries too
  return cfg;
}

std::unique_ptr<Log> open_log() {
  auto log = Log::open(g_dir, config(), -1, -1, /*now_ms=*/1'700'000'000'000);
  if (!log.ok()) {
    std::fprintf(stderr, "Log::open failed: %s\n", log.error().message.c_str());
    FUZZ_CHECK(log.ok());
  }
  return std::move(*log);
}

// Reads the whole log back; returns its bytes. Checks every batch as recovery would.
Bytes read_all(const Log& log) {
  Bytes all;
  int64_t offset = log.log_start_offset();
  int64_t expected_min = 0;
  const int64_t leo = log.log_end_offset();
  while (offset < leo) {
    auto slice = log.read(offset, 64 * 1024, std::numeric_limits<int64_t>::max(), true);
    FUZZ_CHECK(slice.ok());
    FUZZ_CHECK(slice->size > 0);  // below the LEO there is always a batch to return
    Bytes bytes;
    FUZZ_CHECK(slice->file->pread_exact(slice->position, slice->size, bytes).ok());
    model::BatchIterator it(bytes);
    int64_t last = -1;
    while (auto b = it.next()) {
      FUZZ_CHECK(model::validate_batch(b->bytes, {.check_records = false}).ok());
      FUZZ_CHECK(b->header.base_offset >= expected_min);
      FUZZ_CHECK(b->header.last_offset() >= offset);
      last = b->header.last_offset();
      expected_min = last + 1;
    }
    FUZZ_CHECK(it.stop() == model::BatchIterator::Stop::clean_end);
    FUZZ_CHECK(slice->position == all.size());  // contiguous reads of the one segment
    all.insert(all.end(), bytes.begin(), bytes.end());
    offset = last + 1;
  }
  FUZZ_CHECK(offset == leo);
  return all;
}

void run(ByteView input) {
  clear_dir();
  write_segment(input);

  auto log = open_log();
  const OpenStats stats = log->open_stats();
  FUZZ_CHECK(!stats.clean_shutdown);
  FUZZ_CHECK(stats.segments_recovered == 1 && stats.segments_dropped == 0);
  FUZZ_CHECK(stats.bytes_scanned + stats.bytes_truncated == input.size());
  FUZZ_CHECK(log->segment_count() == 1);
  FUZZ_CHECK(log->size_bytes() == stats.bytes_scanned);
  FUZZ_CHECK(log->log_start_offset() == 0);
  FUZZ_CHECK(log->recovery_point() == log->log_end_offset());

  const Bytes kept = read_all(*log);
  FUZZ_CHECK(kept.size() == stats.bytes_scanned);
  FUZZ_CHECK(std::equal(kept.begin(), kept.end(), input.begin()));
  const int64_t leo = log->log_end_offset();
  if (kept.empty()) FUZZ_CHECK(leo == 0);

  // ListOffsets (max timestamp, by timestamp) decodes the records of the batches it looks at,
  // which recovery did not check: it may fail, but must not crash or name an offset outside
  // the log.
  const auto [max_ts, max_ts_offset] = log->max_timestamp_and_offset();
  if (max_ts >= 0) {
    FUZZ_CHECK(max_ts_offset >= 0 && max_ts_offset < leo);
    (void)log->offset_for_timestamp(max_ts);
  }
  (void)log->offset_for_timestamp(0);

  // Reopening an empty log proves little and costs a third of the run: stop here.
  if (kept.empty()) return;

  // A clean close and reopen: nothing is scanned or cut.
  FUZZ_CHECK(log->close().ok());
  log.reset();
  log = open_log();
  FUZZ_CHECK(log->open_stats().clean_shutdown);
  FUZZ_CHECK(log->open_stats().segments_recovered == 0);  // the indexes recovery wrote are sane
  FUZZ_CHECK(log->log_end_offset() == leo);
  FUZZ_CHECK(log->size_bytes() == kept.size());
  FUZZ_CHECK(log->open_stats().bytes_truncated == 0);

  // A crash (no close) and reopen: recovery of a recovered log cuts nothing.
  log.reset();
  log = open_log();
  FUZZ_CHECK(!log->open_stats().clean_shutdown);
  FUZZ_CHECK(log->open_stats().bytes_truncated == 0);
  FUZZ_CHECK(log->log_end_offset() == leo);
  FUZZ_CHECK(read_all(*log) == kept);
}

}  // namespace
}  // namespace gregor::storage

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gregor::fuzz::quiet_logs();
  gregor::storage::g_dir = gregor::fuzz::scratch_dir("gregor-fuzz-log-", "fuzz-0");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gregor;
  std::vector<uint8_t> raw(data, data + size);
  storage::run(ByteView(raw.data(), raw.size()));

  std::vector<uint8_t> sealed = raw;
  bool changed = false;
  model::BatchIterator it{ByteView(sealed.data(), sealed.size())};
  while (auto b = it.next()) {
    if (model::compute_batch_crc(b->bytes) != b->header.crc) {
      model::reseal_crc(std::span<uint8_t>(sealed.data() + b->position, b->bytes.size()));
      changed = true;
    }
  }
  if (changed) storage::run(ByteView(sealed.data(), sealed.size()));
  return 0;
}
