#include "cli/dump_index.h"

#include <fcntl.h>

#include <ostream>
#include <string>

#include "base/bytes.h"
#include "io/file.h"

namespace gregor::cli {
namespace {

constexpr size_t kMaxIndexBytes = size_t{1} << 30;

Result<Bytes> read_whole(const std::filesystem::path& path) {
  auto file = io::File::open(path, O_RDONLY);
  if (!file) return file.error();
  auto size = file.value()->size();
  if (!size) return size.error();
  if (size.value() > kMaxIndexBytes) return make_error(io::kStorageErrorCode, path.string() + " is too large");
  Bytes bytes;
  if (Status s = file.value()->pread_exact(0, static_cast<size_t>(size.value()), bytes); !s) return s.error();
  return bytes;
}

void report_trailing(const std::filesystem::path& path, size_t size, size_t entry_size, std::ostream& out) {
  if (size_t extra = size % entry_size; extra != 0) {
    out << "Found " << extra << " invalid bytes at the end of " << path.filename().string() << '\n';
  }
}

}  // namespace

Status dump_offset_index(const std::filesystem::path& path, int64_t base_offset, std::ostream& out) {
  constexpr size_t kEntry = 8;
  auto bytes = read_whole(path);
  if (!bytes) return bytes.error();
  const size_t entries = bytes->size() / kEntry;
  if (entries == 0) {
    out << path.string() << " is empty.\n";
    report_trailing(path, bytes->size(), kEntry, out);
    return Status::OK();
  }
  for (size_t i = 0; i < entries; ++i) {
    const uint8_t* e = bytes->data() + i * kEntry;
    const int64_t offset = base_offset + static_cast<int32_t>(load_be32(e));
    if (i > 0 && offset == base_offset) return Status::OK();  // Preallocated zeros.
    out << "offset: " << offset << " position: " << static_cast<int32_t>(load_be32(e + 4)) << '\n';
  }
  report_trailing(path, bytes->size(), kEntry, out);
  return Status::OK();
}

Status dump_time_index(const std::filesystem::path& path, int64_t base_offset, std::ostream& out) {
  constexpr size_t kEntry = 12;
  auto bytes = read_whole(path);
  if (!bytes) return bytes.error();
  const size_t entries = bytes->size() / kEntry;
  for (size_t i = 0; i < entries; ++i) {
    const uint8_t* e = bytes->data() + i * kEntry;
    const int64_t offset = base_offset + static_cast<int32_t>(load_be32(e + 8));
    if (i > 0 && offset == base_offset) return Status::OK();  // Preallocated zeros.
    out << "timestamp: " << static_cast<int64_t>(load_be64(e)) << " offset: " << offset << '\n';
  }
  report_trailing(path, bytes->size(), kEntry, out);
  return Status::OK();
}

Status dump_txn_index(const std::filesystem::path& path, std::ostream& out) {
  constexpr size_t kEntry = 34;
  auto bytes = read_whole(path);
  if (!bytes) return bytes.error();
  const size_t entries = bytes->size() / kEntry;
  for (size_t i = 0; i < entries; ++i) {
    const uint8_t* e = bytes->data() + i * kEntry;
    out << "version: " << static_cast<int16_t>(load_be16(e)) << " producerId: " << static_cast<int64_t>(load_be64(e + 2))
        << " firstOffset: " << static_cast<int64_t>(load_be64(e + 10))
        << " lastOffset: " << static_cast<int64_t>(load_be64(e + 18))
        << " lastStableOffset: " << static_cast<int64_t>(load_be64(e + 26)) << '\n';
  }
  report_trailing(path, bytes->size(), kEntry, out);
  return Status::OK();
}

}  // namespace gregor::cli
