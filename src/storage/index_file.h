// IndexFile: a file of fixed-size entries mirrored in memory, the shared base of the offset
// index and the time index. Entries are appended with pwrite at the end of the real entries,
// so the file never holds a preallocated zero tail (unlike Kafka's mmap'd indexes, which are
// trimmed on close; on disk the result is the same).
// Thread-safety: owned by the Log's shard thread; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "base/bytes.h"
#include "base/result.h"
#include "io/file.h"

namespace gregor::storage {

class IndexFile {
 public:
  // Opens path (creating it if missing) and loads its contents. The file size need not be a
  // multiple of entry_size; valid() reports that.
  static Result<IndexFile> open(const std::filesystem::path& path, size_t entry_size, size_t max_bytes);

  size_t entry_size() const { return entry_size_; }
  size_t entries() const { return data_.size() / entry_size_; }
  bool full() const { return entries() >= max_entries_; }
  // False if the file held a partial entry.
  bool whole() const { return data_.size() % entry_size_ == 0; }
  const uint8_t* entry(size_t i) const { return data_.data() + i * entry_size_; }
  const std::filesystem::path& path() const { return file_->path(); }

  // REQUIRES: e.size() == entry_size()
  Status append(ByteView e);
  // Keeps the first n entries. REQUIRES: n <= entries()
  Status truncate_entries(size_t n);
  // Replaces all contents (index rebuild).
  Status rewrite(Bytes contents);
  Status datasync();
  void set_max_bytes(size_t max_bytes) { max_entries_ = std::max<size_t>(1, max_bytes / entry_size_); }

 private:
  IndexFile(std::shared_ptr<io::File> f, size_t entry_size, size_t max_bytes, Bytes data)
      : file_(std::move(f)), entry_size_(entry_size), data_(std::move(data)) {
    set_max_bytes(max_bytes);
  }
  std::shared_ptr<io::File> file_;
  size_t entry_size_;
  size_t max_entries_ = 1;
  Bytes data_;
  bool dirty_ = false;
};

}  // namespace gregor::storage
