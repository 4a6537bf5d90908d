#include "storage/time_index.h"

#include <fmt/format.h>

#include "model/error_code.h"

namespace gregor::storage {

Result<TimeIndex> TimeIndex::open(const std::filesystem::path& path, int64_t base_offset, size_t max_bytes) {
  auto f = IndexFile::open(path, kEntrySize, max_bytes);
  if (!f.ok()) return f.error();
  return TimeIndex(std::move(*f), base_offset);
}

TimeIndex::Entry TimeIndex::entry(size_t i) const {
  const uint8_t* p = file_.entry(i);
  return Entry{int64_t(load_be64(p)), base_ + int64_t(load_be32(p + 8))};
}

std::optional<TimeIndex::Entry> TimeIndex::last() const {
  if (entries() == 0) return std::nullopt;
  return entry(entries() - 1);
}

std::vector<TimeIndex::Entry> TimeIndex::all() const {
  std::vector<Entry> v;
  for (size_t i = 0; i < entries(); ++i) v.push_back(entry(i));
  return v;
}

std::optional<TimeIndex::Entry> TimeIndex::lookup_before(int64_t ts) const {
  size_t lo = 0, hi = entries();  // first entry with timestamp >= ts
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (entry(mid).timestamp < ts) lo = mid + 1; else hi = mid;
  }
  if (lo == 0) return std::nullopt;
  return entry(lo - 1);
}

Status TimeIndex::maybe_append(int64_t timestamp, int64_t offset, bool skip_full_check) {
  if (!skip_full_check && full()) return Status::OK();
  // As Kafka's, an empty index behaves as if its last entry were (-1, base offset): a batch
  // without timestamps (-1) adds nothing.
  auto l = last();
  if (timestamp <= (l ? l->timestamp : -1)) return Status::OK();
  if ((l && offset < l->offset) || offset < base_ || offset - base_ > int64_t(UINT32_MAX))
    return model::make_error(model::ErrorCode::KAFKA_STORAGE_ERROR,
                             fmt::format("time index {}: entry ({}, {}) does not fit after {} in a segment at {}",
                                         path().string(), timestamp, offset, l ? l->offset : base_, base_));
  uint8_t e[kEntrySize];
  store_be64(e, uint64_t(timestamp));
  store_be32(e + 8, uint32_t(offset - base_));
  return file_.append(ByteView(e, kEntrySize));
}

Status TimeIndex::truncate_to_offset(int64_t offset) {
  size_t n = entries();
  while (n > 0 && entry(n - 1).offset >= offset) --n;
  return file_.truncate_entries(n);
}

Status TimeIndex::rewrite(const std::vector<Entry>& entries) {
  Bytes b;
  for (const auto& e : entries) {
    append_be64(b, uint64_t(e.timestamp));
    append_be32(b, uint32_t(e.offset - base_));
  }
  return file_.rewrite(std::move(b));
}

bool TimeIndex::sane(int64_t next_offset_bound) const {
  if (!file_.whole()) return false;
  for (size_t i = 0; i < entries(); ++i) {
    Entry e = entry(i);
    if (e.offset >= next_offset_bound) return false;
    if (i > 0) {
      Entry p = entry(i - 1);
      if (e.timestamp <= p.timestamp || e.offset < p.offset) return false;
    }
  }
  return true;
}

}  // namespace gregor::storage
