#include "storage/segment.h"
#include "storage/txn_index.h"

#include <fcntl.h>

#include <algorithm>
#include <system_error>

#include <fmt/format.h>

#include "model/batch_iterator.h"
#include "model/error_code.h"
#include "model/record.h"
#include "storage/leader_epoch_cache.h"
#include "storage/partition_dir.h"

namespace gregor::storage {

using model::BatchHeader;

Segment::Segment(std::filesystem::path dir, int64_t base_offset, const LogConfig& cfg, int64_t now_ms)
    : dir_(std::move(dir)), base_offset_(base_offset), cfg_(cfg), next_offset_(base_offset), created_ms_(now_ms) {}

Status Segment::open_files(bool create) {
  auto log_path = segment_file(dir_, base_offset_, kLogSuffix);
  auto f = io::File::open(log_path, O_RDWR | O_CREAT | (create ? O_EXCL : 0));
  if (!f.ok()) return f.error();
  log_ = std::move(*f);
  auto idx = OffsetIndex::open(segment_file(dir_, base_offset_, kIndexSuffix), base_offset_,
                               size_t(std::max(cfg_.segment_index_bytes, 8)));
  if (!idx.ok()) return idx.error();
  index_.emplace(std::move(*idx));
  auto tidx = TimeIndex::open(segment_file(dir_, base_offset_, kTimeIndexSuffix), base_offset_,
                              size_t(std::max(cfg_.segment_index_bytes, 12)));
  if (!tidx.ok()) return tidx.error();
  time_index_.emplace(std::move(*tidx));
  auto sz = log_->size();
  if (!sz.ok()) return sz.error();
  size_ = *sz;
  return Status::OK();
}

Result<std::unique_ptr<Segment>> Segment::create(const std::filesystem::path& dir, int64_t base_offset,
                                                 const LogConfig& cfg, int64_t now_ms) {
  std::unique_ptr<Segment> s(new Segment(dir, base_offset, cfg, now_ms));
  if (auto st = s->open_files(true); !st.ok()) return st.error();
  if (s->index_->entries() > 0 || s->time_index_->entries() > 0) {
    // Stale index files from an earlier life of this offset: start them over.
    if (auto st = s->index_->rewrite({}); !st.ok()) return st.error();
    if (auto st = s->time_index_->rewrite({}); !st.ok()) return st.error();
  }
  return s;
}

Result<std::unique_ptr<Segment>> Segment::open(const std::filesystem::path& dir, int64_t base_offset,
                                               const LogConfig& cfg, int64_t now_ms) {
  std::unique_ptr<Segment> s(new Segment(dir, base_offset, cfg, now_ms));
  if (auto st = s->open_files(false); !st.ok()) return st.error();
  return s;
}

Result<bool> Segment::scan_tail() {
  uint64_t start = 0;
  std::optional<int64_t> indexed_last;
  if (index_->entries() > 0) {
    auto e = index_->entry(index_->entries() - 1);
    start = e.position;
    indexed_last = e.offset;
  }
  auto t = time_index_->last();
  max_timestamp_ = t ? t->timestamp : -1;
  offset_of_max_timestamp_ = t ? t->offset : -1;
  next_offset_ = start == 0 ? base_offset_ : next_offset_;
  BatchScanner scan(*log_, start, size_);
  bool first = true;
  while (auto b = scan.next()) {
    if (first && indexed_last && b->header.last_offset() != *indexed_last) return false;
    if (first && start > 0) {
      next_offset_ = b->header.base_offset;  // the batches before are trusted
    }
    first = false;
    if (b->header.base_offset < next_offset_ || !can_hold(b->header.last_offset())) return false;
    next_offset_ = b->header.last_offset() + 1;
    if (b->header.max_timestamp > max_timestamp_) {
      max_timestamp_ = b->header.max_timestamp;
      offset_of_max_timestamp_ = b->header.last_offset();
    }
  }
  if (!scan.status().ok()) return scan.status().error();
  if (scan.stop() != BatchScanner::Stop::clean_end) return false;
  bytes_since_index_entry_ = size_ - start;
  first_batch_timestamp_ = -1;
  if (size_ > 0) {
    BatchScanner head(*log_, 0, size_, model::kBatchHeaderSize);
    auto b = head.next();
    if (!b) return false;
    first_batch_timestamp_ = b->header.max_timestamp;
  }
  return true;
}

Result<bool> Segment::load_tail() {
  if (!index_->sane(size_)) return false;
  auto ok = scan_tail();
  if (!ok.ok() || !*ok) return ok;
  if (!time_index_->sane(next_offset_)) return false;
  return true;
}

Result<RecoveryStats> Segment::recover(LeaderEpochCache* epochs, bool sealed, int64_t min_next_offset) {
  auto file_size = log_->size();
  if (!file_size.ok()) return file_size.error();
  RecoveryStats stats;
  std::vector<OffsetIndex::Entry> idx;
  std::vector<TimeIndex::Entry> tidx;
  int64_t expected = std::max(min_next_offset, base_offset_);
  int64_t max_ts = -1, max_ts_offset = -1, first_ts = -1;
  uint64_t valid = 0, since_entry = 0;
  model::ValidateOptions shallow;
  shallow.check_records = false;
  BatchScanner scan(*log_, 0, *file_size, 1 << 20);
  while (auto b = scan.next()) {
    const BatchHeader& h = b->header;
    auto bytes = scan.bytes();
    if (!bytes.ok()) return bytes.error();
    if (!model::validate_batch(*bytes, shallow).ok() || h.base_offset < expected || !can_hold(h.last_offset())) break;
    if (valid == 0) first_ts = h.max_timestamp;
    if (h.max_timestamp > max_ts) {
      max_ts = h.max_timestamp;
      max_ts_offset = h.last_offset();
    }
    if (since_entry > uint64_t(cfg_.index_interval_bytes)) {
      idx.push_back({h.last_offset(), uint32_t(b->position)});
      if (max_ts > (tidx.empty() ? -1 : tidx.back().timestamp)) tidx.push_back({max_ts, max_ts_offset});
      since_entry = 0;
    }
    since_entry += b->size;
    if (epochs && h.partition_leader_epoch >= 0) epochs->assign(h.partition_leader_epoch, h.base_offset);
    expected = h.last_offset() + 1;
    valid = b->position + b->size;
    ++stats.batches;
  }
  if (!scan.status().ok()) return scan.status().error();
  stats.bytes_scanned = valid;
  if (valid < *file_size) {
    stats.bytes_truncated = *file_size - valid;
    if (auto s = log_->truncate(valid); !s.ok()) return s.error();
  }
  // A segment cut short becomes the active one, so it gets no final (roll) entry.
  if (sealed && stats.bytes_truncated == 0 && max_ts >= 0 && (tidx.empty() || max_ts > tidx.back().timestamp)) tidx.push_back({max_ts, max_ts_offset});
  if (auto s = index_->rewrite(idx); !s.ok()) return s.error();
  if (auto s = time_index_->rewrite(tidx); !s.ok()) return s.error();
  size_ = valid;
  next_offset_ = valid == 0 ? base_offset_ : expected;
  max_timestamp_ = max_ts;
  offset_of_max_timestamp_ = max_ts_offset;
  first_batch_timestamp_ = first_ts;
  bytes_since_index_entry_ = since_entry;
  dirty_ = true;
  return stats;
}

Status Segment::append(ByteView batches) {
  if (batches.empty()) return Status::OK();
  // The offsets must continue this segment; a caller's mistake becomes an error, not a crash.
  {
    model::BatchIterator check(batches);
    int64_t next = next_offset_;
    while (auto b = check.next()) {
      const BatchHeader& h = b->header;
      if (h.base_offset < next || !can_hold(h.last_offset()))
        return model::make_error(model::ErrorCode::KAFKA_STORAGE_ERROR,
                                 fmt::format("segment {}: batch at {}..{} does not follow offset {}", base_offset_,
                                             h.base_offset, h.last_offset(), next));
      next = h.last_offset() + 1;
    }
    if (check.stop() != model::BatchIterator::Stop::clean_end)
      return model::make_error(model::ErrorCode::CORRUPT_MESSAGE,
                               fmt::format("segment {}: append of a partial or malformed batch", base_offset_));
  }
  if (auto s = log_->pwrite_all(batches, size_); !s.ok()) {
    (void)log_->truncate(size_);  // best effort: drop a partial write
    return s;
  }
  // On an index failure the append is undone whole, so the file and the bookkeeping agree.
  const uint64_t old_size = size_, old_since = bytes_since_index_entry_;
  const int64_t old_next = next_offset_, old_max_ts = max_timestamp_, old_max_ts_offset = offset_of_max_timestamp_,
                old_first_ts = first_batch_timestamp_;
  const size_t old_idx = index_->entries(), old_tidx = time_index_->entries();
  model::BatchIterator it(batches);
  uint64_t pos = size_;
  Status st = Status::OK();
  while (auto b = it.next()) {
    const BatchHeader& h = b->header;
    if (size_ == 0 && pos == 0) first_batch_timestamp_ = h.max_timestamp;
    if (h.max_timestamp > max_timestamp_) {
      max_timestamp_ = h.max_timestamp;
      offset_of_max_timestamp_ = h.last_offset();
    }
    if (bytes_since_index_entry_ > uint64_t(cfg_.index_interval_bytes)) {
      st = index_->append(h.last_offset(), uint32_t(pos));
      if (st.ok()) st = time_index_->maybe_append(max_timestamp_, offset_of_max_timestamp_);
      if (!st.ok()) break;
      bytes_since_index_entry_ = 0;
    }
    bytes_since_index_entry_ += b->bytes.size();
    pos += b->bytes.size();
    next_offset_ = h.last_offset() + 1;
  }
  if (!st.ok()) {
    (void)log_->truncate(old_size);
    (void)index_->truncate_to_entries(old_idx);
    (void)time_index_->truncate_to_entries(old_tidx);
    next_offset_ = old_next;
    max_timestamp_ = old_max_ts;
    offset_of_max_timestamp_ = old_max_ts_offset;
    first_batch_timestamp_ = old_first_ts;
    bytes_since_index_entry_ = old_since;
    return st;
  }
  size_ = pos;
  dirty_ = true;
  return Status::OK();
}

Result<std::optional<ScannedBatch>> Segment::find(int64_t offset) const {
  if (offset >= next_offset_) return std::optional<ScannedBatch>();
  BatchScanner scan(*log_, index_->lookup(offset).position, size_, 16 * 1024);
  while (auto b = scan.next())
    if (b->header.last_offset() >= offset) return b;
  if (!scan.status().ok()) return scan.status().error();
  return std::optional<ScannedBatch>();
}

Result<std::optional<io::FileSlice>> Segment::read(int64_t offset, int32_t max_bytes, int64_t max_offset,
                                                   bool min_one, int64_t* end_offset) const {
  if (offset >= next_offset_) return std::optional<io::FileSlice>();
  BatchScanner scan(*log_, index_->lookup(offset).position, size_);
  std::optional<io::FileSlice> out;
  uint64_t limit = uint64_t(std::max(max_bytes, 0));
  while (auto b = scan.next()) {
    if (b->header.last_offset() < offset) continue;
    if (!out) out = io::FileSlice{log_, b->position, 0};
    if (b->header.base_offset >= max_offset) break;
    if (out->size + uint64_t(b->size) > limit) {
      if (out->size == 0 && min_one) {
        out->size = b->size;
        if (end_offset) *end_offset = b->header.last_offset() + 1;
      }
      break;
    }
    out->size += b->size;
    if (end_offset) *end_offset = b->header.last_offset() + 1;
  }
  if (!scan.status().ok()) return scan.status().error();
  return out;
}

Result<std::optional<std::pair<int64_t, int64_t>>> Segment::find_timestamp(int64_t ts, int64_t min_offset) const {
  using Found = std::optional<std::pair<int64_t, int64_t>>;
  if (max_timestamp_ < ts || next_offset_ <= min_offset) return Found();
  uint64_t start = index_->lookup(min_offset).position;
  if (auto e = time_index_->lookup_before(ts)) start = std::max<uint64_t>(start, index_->lookup(e->offset).position);
  BatchScanner scan(*log_, start, size_);
  while (auto b = scan.next()) {
    if (b->header.last_offset() < min_offset || b->header.max_timestamp < ts) continue;
    auto bytes = scan.bytes();
    if (!bytes.ok()) return bytes.error();
    auto records = model::decode_records(*bytes);
    if (!records.ok()) return records.error();
    for (const auto& r : *records)
      if (r.offset >= min_offset && r.timestamp >= ts) return Found(std::pair{r.offset, r.timestamp});
  }
  if (!scan.status().ok()) return scan.status().error();
  return Found();
}

Status Segment::truncate_to(int64_t offset) {
  auto f = find(offset);
  if (!f.ok()) return f.error();
  if (!*f) return Status::OK();
  uint64_t pos = (*f)->position;
  if (auto s = log_->truncate(pos); !s.ok()) return s;
  size_ = pos;
  if (auto s = index_->truncate_to_position(pos); !s.ok()) return s;
  if (auto s = time_index_->truncate_to_offset((*f)->header.base_offset); !s.ok()) return s;
  dirty_ = true;
  auto ok = scan_tail();
  if (!ok.ok()) return ok.error();
  if (!*ok) return model::make_error(model::ErrorCode::KAFKA_STORAGE_ERROR, "segment tail unreadable after truncation");
  return Status::OK();
}

Status Segment::seal() {
  if (max_timestamp_ < 0) return Status::OK();
  if (auto s = time_index_->maybe_append(max_timestamp_, offset_of_max_timestamp_, true); !s.ok()) return s;
  dirty_ = true;
  return Status::OK();
}

Status Segment::flush() {
  if (!dirty_) return Status::OK();
  if (auto s = log_->datasync(); !s.ok()) return s;
  if (auto s = index_->datasync(); !s.ok()) return s;
  if (auto s = time_index_->datasync(); !s.ok()) return s;
  dirty_ = false;
  return Status::OK();
}

void Segment::set_config(const LogConfig& cfg) {
  cfg_ = cfg;
  index_->set_max_bytes(size_t(std::max(cfg.segment_index_bytes, 8)));
  time_index_->set_max_bytes(size_t(std::max(cfg.segment_index_bytes, 12)));
}

Status Segment::remove() {
  for (auto suffix : {kLogSuffix, kIndexSuffix, kTimeIndexSuffix, kTxnIndexSuffix}) {
    std::error_code ec;
    std::filesystem::remove(segment_file(dir_, base_offset_, suffix), ec);
    if (ec)
      return model::make_error(model::ErrorCode::KAFKA_STORAGE_ERROR,
                               fmt::format("delete segment {}: {}", base_offset_, ec.message()));
  }
  return Status::OK();
}

}  // namespace gregor::storage
