// TimeIndex: Kafka's ".timeindex" file for one segment. Each 12-byte entry is
// (timestamp int64, relative offset uint32), big-endian: by that offset (a batch's last
// offset), the segment's largest timestamp so far was `timestamp`. Entries are added only
// when the timestamp grows, so both fields increase.
// Thread-safety: owned by the Log's shard thread; not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "storage/index_file.h"

namespace gregor::storage {

class TimeIndex {
 public:
  static constexpr size_t kEntrySize = 12;
  struct Entry {
    int64_t timestamp;
    int64_t offset;  // absolute
    bool operator==(const Entry&) const = default;
  };

  static Result<TimeIndex> open(const std::filesystem::path& path, int64_t base_offset, size_t max_bytes);

  size_t entries() const { return file_.entries(); }
  bool full() const { return file_.full(); }
  Entry entry(size_t i) const;
  std::optional<Entry> last() const;
  std::vector<Entry> all() const;
  // The last entry with timestamp < ts (every record at or before its offset is older than ts).
  std::optional<Entry> lookup_before(int64_t ts) const;

  // Appends (timestamp, offset) if timestamp exceeds the last entry's (-1 when empty, so a -1
  // timestamp adds nothing); unless skip_full_check, does nothing when full. An offset below
  // the last entry's or outside the segment's uint32 range is a KAFKA_STORAGE_ERROR.
  Status maybe_append(int64_t timestamp, int64_t offset, bool skip_full_check = false);
  // Drops entries whose offset is >= offset.
  Status truncate_to_offset(int64_t offset);
  // Keeps the first n entries (n <= entries()).
  Status truncate_to_entries(size_t n) { return file_.truncate_entries(n); }
  Status rewrite(const std::vector<Entry>& entries);
  Status datasync() { return file_.datasync(); }
  void set_max_bytes(size_t n) { file_.set_max_bytes(n); }
  bool sane(int64_t next_offset_bound) const;
  const std::filesystem::path& path() const { return file_.path(); }

 private:
  TimeIndex(IndexFile f, int64_t base) : file_(std::move(f)), base_(base) {}
  IndexFile file_;
  int64_t base_;
};

}  // namespace gregor::storage
