// fuzz_log_append: the input is a program of operations on one partition's Log, so produce
// goes through everything a broker does to a log: client appends (offset assignment, record
// validation, the max timestamp recomputed, the indexes), follower appends, rolls, truncation,
// clean restarts and crash restarts (recovery). A tiny segment size and index interval make
// every few bytes roll a segment or add index entries. Checks, after every operation:
//   - no operation crashes; a refused append changes nothing (LEO and size as before);
//   - every batch reads back from the log start to the LEO, validates (framing, CRC, offsets
//     increasing) and lies inside the segment that holds it;
//   - both indexes of every segment are sane (entries increasing, inside the segment);
//   - ListOffsets (max timestamp, by timestamp) names offsets inside the log.
// Program: a sequence of (opcode byte, operands); see run(). One partition dir under /dev/shm
// is reused; its files are deleted before each input.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <system_error>

#include "fuzz_common.h"
#include "model/batch_builder.h"
#include "model/batch_iterator.h"
#include "model/record_batch.h"
#include "storage/log.h"

namespace gregor::storage {
namespace {

namespace fs = std::filesystem;

fs::path g_dir;
constexpr int64_t kNow = 1'700'000'000'000;

LogConfig config() {
  LogConfig cfg;
  cfg.segment_bytes = 1536;
  cfg.index_interval_bytes = 64;
  cfg.segment_index_bytes = 96;  // 12 offset entries, 8 time entries: full indexes roll too
  return cfg;
}

std::unique_ptr<Log> open_log() {
  auto log = Log::open(g_dir, config(), -1, -1, kNow);
  if (!log.ok()) {
    std::fprintf(stderr, "Log::open failed: %s\n", log.error().message.c_str());
    FUZZ_CHECK(log.ok());
  }
  return std::move(*log);
}

// Reads the input as a little program.
class Reader {
 public:
  explicit Reader(ByteView in) : in_(in) {}
  bool done() const { return pos_ >= in_.size(); }
  uint8_t u8() { return pos_ < in_.size() ? in_[pos_++] : 0; }
  uint16_t u16() { return uint16_t(u8() << 8 | u8()); }
  int64_t i64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | u8();
    return int64_t(v);
  }
  ByteView bytes(size_t n) {
    n = std::min(n, in_.size() - std::min(pos_, in_.size()));
    ByteView v = in_.subspan(pos_, n);
    pos_ += n;
    return v;
  }

 private:
  ByteView in_;
  size_t pos_ = 0;
};

// Recomputes the CRC of every framed batch in b, so mutated bytes get past the CRC check.
void reseal_all(Bytes& b) {
  model::BatchIterator it{ByteView(b.data(), b.size())};
  while (auto batch = it.next())
    model::reseal_crc(std::span<uint8_t>(b.data() + batch->position, batch->bytes.size()));
}

void check_log(const Log& log) {
  const int64_t start = log.log_start_offset(), leo = log.log_end_offset();
  FUZZ_CHECK(start <= leo);
  for (int64_t base : log.segment_bases()) {
    const Segment& s = log.segment(base);
    FUZZ_CHECK(s.offset_index().sane(s.size()));
    FUZZ_CHECK(s.time_index().sane(s.next_offset()));
    for (const auto& e : s.time_index().all()) FUZZ_CHECK(e.timestamp >= 0 && e.offset >= base);
  }
  int64_t offset = start, min_next = 0;
  while (offset < leo) {
    auto slice = log.read(offset, 4096, std::numeric_limits<int64_t>::max(), true);
    FUZZ_CHECK(slice.ok());
    FUZZ_CHECK(slice->size > 0);
    Bytes bytes;
    FUZZ_CHECK(slice->file->pread_exact(slice->position, slice->size, bytes).ok());
    model::BatchIterator it(bytes);
    int64_t last = -1;
    while (auto b = it.next()) {
      FUZZ_CHECK(model::validate_batch(b->bytes, {.check_records = false}).ok());
      FUZZ_CHECK(b->header.base_offset >= min_next);
      FUZZ_CHECK(b->header.last_offset() >= b->header.base_offset);
      last = b->header.last_offset();
      min_next = last + 1;
    }
    FUZZ_CHECK(it.stop() == model::BatchIterator::Stop::clean_end);
    FUZZ_CHECK(last >= offset);
    offset = last + 1;
  }
  FUZZ_CHECK(offset == leo || leo == start);
  const auto [max_ts, max_ts_offset] = log.max_timestamp_and_offset();
  if (max_ts >= 0) FUZZ_CHECK(max_ts_offset >= 0 && max_ts_offset < leo);
  auto found = log.offset_for_timestamp(max_ts < 0 ? 0 : max_ts);
  if (found.ok() && *found) FUZZ_CHECK((*found)->first >= start && (*found)->first < leo);
}

// A well-formed client batch from a few operand bytes: record count, timestamps (some -1),
// codec, a header max timestamp that may lie (sarama before 1.45.1 sends -1), idempotence.
Bytes built_batch(Reader& r) {
  const uint8_t shape = r.u8();
  const int n = 1 + shape % 8;
  const int64_t ts = (shape & 0x80) ? -1 : kNow - int64_t(r.u16()) * 1000;
  const auto codec = model::Compression((shape >> 3) % 5);
  model::BatchBuilder b(codec);
  if (shape & 0x40) b.producer(int64_t(r.u8() % 4), 0, int32_t(r.u16() % 64));
  const size_t value = r.u8() % 96;
  for (int i = 0; i < n; ++i) {
    std::string v(value, char('a' + i));
    b.add(std::string_view("k" + std::to_string(i)), std::string_view(v), ts < 0 ? -1 : ts + (i * 37) % 5);
  }
  auto built = b.build();
  FUZZ_CHECK(built.ok());
  Bytes out = std::move(*built);
  const uint8_t lie = r.u8();
  if (lie % 3 == 1) {
    model::set_max_timestamp(std::span<uint8_t>(out.data(), out.size()), model::TimestampType::create_time, -1);
  } else if (lie % 3 == 2) {
    model::set_max_timestamp(std::span<uint8_t>(out.data(), out.size()), model::TimestampType::create_time, r.i64());
  }
  return out;
}

void run(ByteView input) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(g_dir, ec)) fs::remove_all(e.path(), ec);
  auto log = open_log();
  Reader r(input);
  int32_t epoch = 0;
  for (int step = 0; step < 48 && !r.done(); ++step) {
    const int64_t leo = log->log_end_offset();
    const uint64_t size = log->size_bytes();
    const uint8_t op = r.u8();
    switch (op % 9) {
      case 0:
      case 1: {  // a client append of a built batch (or two)
        Bytes batches = built_batch(r);
        if (op & 0x10) {
          Bytes more = built_batch(r);
          batches.insert(batches.end(), more.begin(), more.end());
        }
        auto a = log->append(batches, epoch, kNow + step);
        if (a.ok() && !a->duplicate) {
          FUZZ_CHECK(a->first_offset == leo && a->last_offset >= a->first_offset);
          FUZZ_CHECK(log->log_end_offset() == a->last_offset + 1);
        } else {
          FUZZ_CHECK(log->log_end_offset() == leo && log->size_bytes() == size);
        }
        break;
      }
      case 2: {  // a client append of raw bytes, CRC resealed
        ByteView raw = r.bytes(r.u16() % 2048);
        Bytes b(raw.begin(), raw.end());
        reseal_all(b);
        auto a = log->append(b, epoch, kNow + step);
        if (!a.ok() || a->duplicate) FUZZ_CHECK(log->log_end_offset() == leo && log->size_bytes() == size);
        break;
      }
      case 3: {  // a follower append: raw or built batches renumbered from the LEO
        Bytes b;
        if (op & 0x10) {
          ByteView raw = r.bytes(r.u16() % 2048);
          b.assign(raw.begin(), raw.end());
        } else {
          b = built_batch(r);
        }
        model::BatchIterator it{ByteView(b.data(), b.size())};
        int64_t next = leo + (op >> 5);
        while (auto batch = it.next()) {
          std::span<uint8_t> s(b.data() + batch->position, batch->bytes.size());
          model::set_base_offset(s, next);
          model::set_partition_leader_epoch(s, epoch);
          next += int64_t(batch->header.last_offset_delta) + 1;
        }
        reseal_all(b);
        auto a = log->append_replicated(b, kNow + step);
        if (!a.ok()) FUZZ_CHECK(log->log_end_offset() == leo && log->size_bytes() == size);
        break;
      }
      case 4:
        (void)log->roll(kNow + step);
        break;
      case 5: {  // truncation (a follower's divergence)
        int64_t to = leo - int64_t(r.u8() % 16);
        if (to >= log->log_start_offset()) {
          FUZZ_CHECK(log->truncate_to(to).ok());
          FUZZ_CHECK(log->log_end_offset() <= std::max<int64_t>(to, log->log_start_offset()));
        }
        break;
      }
      case 6:  // clean restart
        FUZZ_CHECK(log->close().ok());
        log.reset();
        log = open_log();
        FUZZ_CHECK(log->log_end_offset() == leo);
        break;
      case 7:  // crash restart: recovery scans everything
        log.reset();
        log = open_log();
        FUZZ_CHECK(log->log_end_offset() == leo);
        break;
      case 8:
        epoch += 1 + op % 3;
        break;
    }
    check_log(*log);
  }
}

}  // namespace
}  // namespace gregor::storage

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gregor::fuzz::quiet_logs();
  gregor::storage::g_dir = gregor::fuzz::scratch_dir("gregor-fuzz-append-", "fuzz-0");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> raw(data, data + size);
  gregor::storage::run(gregor::ByteView(raw.data(), raw.size()));
  return 0;
}
