#include "storage/offset_index.h"

#include <fmt/format.h>

#include "model/error_code.h"

namespace gregor::storage {

Result<OffsetIndex> OffsetIndex::open(const std::filesystem::path& path, int64_t base_offset, size_t max_bytes) {
  auto f = IndexFile::open(path, kEntrySize, max_bytes);
  if (!f.ok()) return f.error();
  return OffsetIndex(std::move(*f), base_offset);
}

OffsetIndex::Entry OffsetIndex::entry(size_t i) const {
  const uint8_t* p = file_.entry(i);
  return Entry{base_ + int64_t(load_be32(p)), load_be32(p + 4)};
}

std::vector<OffsetIndex::Entry> OffsetIndex::all() const {
  std::vector<Entry> v;
  for (size_t i = 0; i < entries(); ++i) v.push_back(entry(i));
  return v;
}

OffsetIndex::Entry OffsetIndex::lookup(int64_t target) const {
  size_t lo = 0, hi = entries();  // first entry with offset > target
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (entry(mid).offset <= target) lo = mid + 1; else hi = mid;
  }
  return lo == 0 ? Entry{base_, 0} : entry(lo - 1);
}

Status OffsetIndex::append(int64_t offset, uint32_t position) {
  auto bad = [&](int64_t after, uint32_t after_pos) {
    return model::make_error(model::ErrorCode::KAFKA_STORAGE_ERROR,
                             fmt::format("offset index {}: entry ({}, {}) does not fit after ({}, {}) in a segment at {}",
                                         path().string(), offset, position, after, after_pos, base_));
  };
  if (offset < base_ || offset - base_ > int64_t(UINT32_MAX)) return bad(base_, 0);
  if (entries() > 0) {
    Entry last = entry(entries() - 1);
    if (offset <= last.offset || position <= last.position) return bad(last.offset, last.position);
  }
  uint8_t e[kEntrySize];
  store_be32(e, uint32_t(offset - base_));
  store_be32(e + 4, position);
  return file_.append(ByteView(e, kEntrySize));
}

Status OffsetIndex::truncate_to_position(uint64_t position) {
  size_t n = entries();
  while (n > 0 && entry(n - 1).position >= position) --n;
  return file_.truncate_entries(n);
}

Status OffsetIndex::rewrite(const std::vector<Entry>& entries) {
  Bytes b;
  for (const auto& e : entries) {
    append_be32(b, uint32_t(e.offset - base_));
    append_be32(b, e.position);
  }
  return file_.rewrite(std::move(b));
}

bool OffsetIndex::sane(uint64_t log_size) const {
  if (!file_.whole()) return false;
  for (size_t i = 0; i < entries(); ++i) {
    Entry e = entry(i);
    if (e.position >= log_size && !(e.position == 0 && log_size == 0)) return false;
    if (i > 0) {
      Entry p = entry(i - 1);
      if (e.offset <= p.offset || e.position <= p.position) return false;
    }
  }
  return true;
}

}  // namespace gregor::storage
