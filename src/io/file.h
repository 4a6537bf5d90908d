// The file seam: File is an open file descriptor with positional reads and writes that
// report errors as Result (errno text in the message, KAFKA_STORAGE_ERROR as the code).
// FileSlice names a byte range of a File; holding one keeps the descriptor open, so a fetch
// response can still sendfile(2) from a segment that retention deleted meanwhile.
// OutChunk is one piece of an outgoing network frame: owned bytes, a shared slice, or a file
// range sent with sendfile(2).
// Thread-safety: a File may be read from any thread; writes belong to the owning shard.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace gregor::io {

inline constexpr int16_t kStorageErrorCode = 56;  // KAFKA_STORAGE_ERROR

class File {
 public:
  // Opens path with open(2) flags and mode.
  static Result<std::shared_ptr<File>> open(const std::filesystem::path& path, int flags, int mode = 0644);
  ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  int fd() const { return fd_; }
  const std::filesystem::path& path() const { return path_; }

  // Writes all of data at offset (retrying short writes and EINTR).
  Status pwrite_all(ByteView data, uint64_t offset);
  // Reads exactly n bytes at offset into out (resized); an error if the file is shorter.
  Status pread_exact(uint64_t offset, size_t n, Bytes& out) const;
  // Reads up to n bytes at offset; returns how many were read (0 at end of file).
  Result<size_t> pread_some(uint64_t offset, uint8_t* out, size_t n) const;
  Result<uint64_t> size() const;
  Status truncate(uint64_t size);
  Status datasync();

 private:
  File(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::filesystem::path path_;
};

struct FileSlice {
  std::shared_ptr<File> file;
  uint64_t position = 0;
  uint32_t size = 0;
};

using OutChunk = std::variant<Bytes, SharedSlice, FileSlice>;
using OutChunks = std::vector<OutChunk>;

inline size_t chunk_size(const OutChunk& c) {
  if (auto* b = std::get_if<Bytes>(&c)) return b->size();
  if (auto* s = std::get_if<SharedSlice>(&c)) return s->size();
  return std::get<FileSlice>(c).size;
}

// fsyncs a directory (after creating, renaming or deleting entries in it).
Status fsync_dir(const std::filesystem::path& dir);
// Writes contents to path atomically: temp file, fsync, rename, fsync of the directory.
Status write_file_atomic(const std::filesystem::path& path, std::string_view contents);
// Reads a whole (small) file.
Result<std::string> read_small_file(const std::filesystem::path& path, size_t max_bytes = 1 << 20);

}  // namespace gregor::io
