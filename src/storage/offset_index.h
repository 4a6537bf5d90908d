// OffsetIndex: Kafka's sparse ".index" file for one segment. Each 8-byte entry is
// (relative offset uint32, physical position uint32), both big-endian; the relative offset is
// the last offset of a batch minus the segment's base offset, the position is where that
// batch starts in the .log file. Entries grow strictly in both fields.
// Thread-safety: owned by the Log's shard thread; not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "storage/index_file.h"

namespace gregor::storage {

class OffsetIndex {
 public:
  static constexpr size_t kEntrySize = 8;
  struct Entry {
    int64_t offset;     // absolute
    uint32_t position;
    bool operator==(const Entry&) const = default;
  };

  static Result<OffsetIndex> open(const std::filesystem::path& path, int64_t base_offset, size_t max_bytes);

  size_t entries() const { return file_.entries(); }
  bool full() const { return file_.full(); }
  Entry entry(size_t i) const;
  std::vector<Entry> all() const;
  // The last entry with offset <= target, or {base_offset, 0} if none.
  Entry lookup(int64_t target) const;

  // Offset and position must exceed the last entry's and offset - base fit uint32; otherwise
  // KAFKA_STORAGE_ERROR and nothing is written.
  Status append(int64_t offset, uint32_t position);
  // Drops entries whose position is >= position.
  Status truncate_to_position(uint64_t position);
  // Keeps the first n entries (n <= entries()).
  Status truncate_to_entries(size_t n) { return file_.truncate_entries(n); }
  Status rewrite(const std::vector<Entry>& entries);
  Status datasync() { return file_.datasync(); }
  void set_max_bytes(size_t n) { file_.set_max_bytes(n); }
  // Structure is sound: whole entries, strictly increasing, positions below log_size.
  bool sane(uint64_t log_size) const;
  const std::filesystem::path& path() const { return file_.path(); }

 private:
  OffsetIndex(IndexFile f, int64_t base) : file_(std::move(f)), base_(base) {}
  IndexFile file_;
  int64_t base_;
};

}  // namespace gregor::storage
