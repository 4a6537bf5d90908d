#include "raft/file_snapshot_store.h"

#include <fmt/format.h>

#include <fcntl.h>

#include <charconv>

#include "io/file.h"

namespace gregor::raft {

namespace {
constexpr std::string_view kSuffix = ".checkpoint";

bool parse_digits(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= 0;
}
}  // namespace

std::string FileSnapshotStore::file_name(SnapshotId id) {
  return fmt::format("{:020d}-{:010d}{}", id.end_offset, id.epoch, kSuffix);
}

std::optional<SnapshotId> FileSnapshotStore::parse_file_name(const std::string& name) {
  std::string_view n(name);
  if (n.size() != 20 + 1 + 10 + kSuffix.size() || n.substr(31) != kSuffix || n[20] != '-') return std::nullopt;
  int64_t end = 0, epoch = 0;
  if (!parse_digits(n.substr(0, 20), end) || !parse_digits(n.substr(21, 10), epoch) || epoch > INT32_MAX)
    return std::nullopt;
  return SnapshotId{end, int32_t(epoch)};
}

Result<std::unique_ptr<FileSnapshotStore>> FileSnapshotStore::open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(errc::kKafkaStorageError, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  std::unique_ptr<FileSnapshotStore> store(new FileSnapshotStore(dir));
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (auto id = parse_file_name(entry.path().filename().string())) store->snaps_[id->end_offset] = *id;
  }
  if (ec) return make_error(errc::kKafkaStorageError, fmt::format("cannot list {}: {}", dir.string(), ec.message()));
  return store;
}

std::optional<SnapshotId> FileSnapshotStore::latest() const {
  if (snaps_.empty()) return std::nullopt;
  return snaps_.rbegin()->second;
}

Status FileSnapshotStore::save(SnapshotId id, Bytes data) {
  auto path = dir_ / file_name(id);
  std::string_view contents(reinterpret_cast<const char*>(data.data()), data.size());
  if (auto s = io::write_file_atomic(path, contents); !s.ok()) return s;
  snaps_[id.end_offset] = id;
  while (snaps_.size() > 2) {
    std::error_code ec;
    std::filesystem::remove(dir_ / file_name(snaps_.begin()->second), ec);
    snaps_.erase(snaps_.begin());
  }
  return Status::OK();
}

Result<Bytes> FileSnapshotStore::read(SnapshotId id) const {
  auto it = snaps_.find(id.end_offset);
  if (it == snaps_.end() || !(it->second == id)) return make_error(errc::kSnapshotNotFound, "no such snapshot");
  auto file = io::File::open(dir_ / file_name(id), O_RDONLY);
  if (!file.ok()) return file.error();
  auto size = (*file)->size();
  if (!size.ok()) return size.error();
  Bytes out;
  if (auto s = (*file)->pread_exact(0, size_t(*size), out); !s.ok()) return s.error();
  return out;
}

}  // namespace gregor::raft
