// Helpers shared by the storage tests: temporary directories, batch construction, reading a
// FileSlice back, and a full scan of a Log used as the reference for index checks.
// Test-only; not part of gregor_storage.
#pragma once

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "io/file.h"
#include "model/batch_builder.h"
#include "model/batch_iterator.h"

namespace gregor::storage::test_util {

class TempDir {
 public:
  TempDir() {
    static std::mt19937_64 rng(std::random_device{}());
    // tmpfs when available: the tests fsync a lot and only the file contents matter here.
    std::error_code ec;
    auto base = std::filesystem::is_directory("/dev/shm", ec) ? std::filesystem::path("/dev/shm")
                                                               : std::filesystem::temp_directory_path();
    path_ = base / ("gregor-storage-" + std::to_string(rng()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A batch of n records with values of value_size bytes and timestamps ts, ts+1, ...
inline Bytes batch(int n, int64_t ts, size_t value_size = 10, model::Compression c = model::Compression::none) {
  model::BatchBuilder b(c);
  for (int i = 0; i < n; ++i) {
    std::string v(value_size, char('a' + i % 26));
    b.add(std::string_view("key-" + std::to_string(i)), std::string_view(v), ts + i);
  }
  return *b.build();
}

inline Bytes read_slice(const io::FileSlice& s) {
  Bytes out;
  if (s.size == 0) return out;
  auto st = s.file->pread_exact(s.position, s.size, out);
  GREGOR_ASSERT(st.ok());
  return out;
}

inline std::vector<model::BatchHeader> headers_of(ByteView bytes) {
  std::vector<model::BatchHeader> v;
  model::BatchIterator it(bytes);
  while (auto b = it.next()) v.push_back(b->header);
  return v;
}

}  // namespace gregor::storage::test_util

#include <fcntl.h>

#include "model/record_batch.h"
#include "storage/log.h"

namespace gregor::storage::test_util {

// All batches of the log from its start, read through Log::read.
inline std::vector<Bytes> read_all(const Log& log) {
  std::vector<Bytes> out;
  int64_t offset = log.log_start_offset();
  while (offset < log.log_end_offset()) {
    auto r = log.read(offset, 1 << 20, INT64_MAX, true);
    GREGOR_ASSERT(r.ok());
    Bytes bytes = read_slice(*r);
    GREGOR_ASSERT(!bytes.empty());
    model::BatchIterator it(bytes);
    while (auto b = it.next()) {
      out.emplace_back(b->bytes.begin(), b->bytes.end());
      offset = b->header.last_offset() + 1;
    }
  }
  return out;
}

inline Bytes read_file(const std::filesystem::path& p) {
  auto f = io::File::open(p, O_RDONLY);
  GREGOR_ASSERT(f.ok());
  Bytes b;
  auto sz = (*f)->size();
  GREGOR_ASSERT(sz.ok());
  GREGOR_ASSERT((*f)->pread_exact(0, size_t(*sz), b).ok());
  return b;
}

// Index entries a full scan of a segment's bytes yields under the append rule.
struct ScanIndexes {
  std::vector<OffsetIndex::Entry> offsets;
  std::vector<TimeIndex::Entry> times;
  int64_t max_timestamp = -1;
  int64_t next_offset = -1;
};
inline ScanIndexes scan_indexes(ByteView log_bytes, int32_t interval, bool sealed) {
  ScanIndexes s;
  int64_t max_off = -1;
  uint64_t since = 0;
  model::BatchIterator it(log_bytes);
  while (auto b = it.next()) {
    const auto& h = b->header;
    if (h.max_timestamp > s.max_timestamp) s.max_timestamp = h.max_timestamp, max_off = h.last_offset();
    if (since > uint64_t(interval)) {
      s.offsets.push_back({h.last_offset(), uint32_t(b->position)});
      if (s.times.empty() || s.max_timestamp > s.times.back().timestamp) s.times.push_back({s.max_timestamp, max_off});
      since = 0;
    }
    since += b->bytes.size();
    s.next_offset = h.last_offset() + 1;
  }
  if (sealed && s.max_timestamp >= 0 && (s.times.empty() || s.max_timestamp > s.times.back().timestamp))
    s.times.push_back({s.max_timestamp, max_off});
  return s;
}

}  // namespace gregor::storage::test_util
