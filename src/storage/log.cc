#include "storage/log.h"

#include <sys/stat.h>

#include <algorithm>

#include <fmt/format.h>

#include "base/clock.h"
#include "base/log.h"
#include "model/batch_iterator.h"
#include "model/control_record.h"
#include "model/error_code.h"
#include "model/record.h"
#include "model/record_batch.h"
#include "storage/producer_snapshot.h"
#include "storage/retention.h"

namespace gregor::storage {

using model::ErrorCode;
using model::make_error;

Log::~Log() = default;

uint64_t Log::size_bytes() const {
  uint64_t n = 0;
  for (const auto& [base, seg] : segments_) n += seg->size();
  return n;
}

std::vector<int64_t> Log::segment_bases() const {
  std::vector<int64_t> v;
  for (const auto& [base, seg] : segments_) v.push_back(base);
  return v;
}

std::vector<int64_t> Log::offsets_before(int64_t ts, int32_t max_count, int64_t now_ms) const {
  std::vector<std::pair<int64_t, int64_t>> points;  // (offset, time), oldest first
  points.reserve(segments_.size() + 1);
  for (const auto& [base, seg] : segments_) points.emplace_back(std::max(base, log_start_offset_), seg->max_timestamp());
  if (!active().empty()) points.emplace_back(log_end_offset(), now_ms);
  ptrdiff_t start = ptrdiff_t(points.size()) - 1;
  if (ts == -2) {
    start = 0;
  } else if (ts != -1) {
    while (start >= 0 && points[size_t(start)].second > ts) --start;
  }
  std::vector<int64_t> out;
  for (ptrdiff_t i = start; i >= 0 && int64_t(out.size()) < int64_t(max_count); --i) out.push_back(points[size_t(i)].first);
  return out;
}

Status Log::check_timestamps(const model::BatchStats& stats, int64_t now_ms) const {
  if (cfg_.log_append_time) return Status::OK();
  auto invalid = [&](int64_t ts) {
    return make_error(ErrorCode::INVALID_TIMESTAMP,
                      fmt::format("Timestamp {} of a record is out of range: it must be within [{}, {}] ms of the "
                                  "broker's time {} (message.timestamp.before/after.max.ms)",
                                  ts, cfg_.timestamp_before_max_ms, cfg_.timestamp_after_max_ms, now_ms));
  };
  if (cfg_.timestamp_after_max_ms < std::numeric_limits<int64_t>::max() - now_ms &&
      stats.max_timestamp > now_ms + cfg_.timestamp_after_max_ms)
    return invalid(stats.max_timestamp);
  if (cfg_.timestamp_before_max_ms < now_ms && stats.min_timestamp < now_ms - cfg_.timestamp_before_max_ms)
    return invalid(stats.min_timestamp);
  return Status::OK();
}

Status Log::stage_producer(ProducerStateManager::Update& u, const model::BatchHeader& h, ByteView batch,
                          AppendOrigin origin) const {
  if (h.producer_id < 0) return Status::OK();
  std::optional<model::EndTxnMarker> marker;
  if (h.is_control()) {
    auto m = model::parse_end_txn_marker(batch);
    if (!m.ok()) {
      if (origin != AppendOrigin::replication) return m.error();
      GLOG_WARN("{}: control batch at {} is malformed: {}", dir_.string(), h.base_offset, m.error().message);
      return Status::OK();
    }
    marker = *m;
  }
  return producers_.stage(u, h, origin, marker);
}

Status Log::apply_producer_update(ProducerStateManager::Update&& u) {
  if (u.entries.empty()) return Status::OK();
  for (const auto& [txn, lso] : producers_.apply(std::move(u))) {
    if (!txn.aborted) continue;
    AbortedTxn entry{txn.producer_id, txn.first_offset, txn.last_offset, lso};
    aborted_.push_back(entry);
    if (auto s = append_txn_index(dir_, active().base_offset(), entry); !s.ok()) return s;
  }
  return Status::OK();
}

Result<AppendInfo> Log::append(ByteView records, int32_t leader_epoch, int64_t now_ms, AppendOrigin origin) {
  GREGOR_ASSERT(!closed_);
  if (records.empty()) return make_error(ErrorCode::CORRUPT_MESSAGE, "no record batches");
  model::BatchIterator it(records);
  model::ValidateOptions opts;
  // The largest record timestamp of each batch: the header's maxTimestamp is the client's
  // claim, and some clients send -1 there (sarama before 1.45.1), so it is recomputed as
  // Kafka's LogValidator does.
  std::vector<int64_t> max_ts;
  bool first = true;
  while (auto b = it.next()) {
    if (b->bytes.size() > size_t(std::max(cfg_.max_message_bytes, 0)))
      return make_error(ErrorCode::MESSAGE_TOO_LARGE,
                        fmt::format("batch of {} bytes exceeds max.message.bytes {}", b->bytes.size(),
                                    cfg_.max_message_bytes));
    model::BatchStats stats;
    if (auto s = model::validate_batch(b->bytes, opts, &stats); !s.ok()) return s.error();
    if (origin == AppendOrigin::client && b->header.producer_id >= 0 && b->header.base_sequence < 0)
      return make_error(ErrorCode::INVALID_RECORD,
                        fmt::format("Invalid sequence number {} in a batch of producer {}", b->header.base_sequence,
                                    b->header.producer_id));
    if (auto s = check_timestamps(stats, now_ms); !s.ok()) return s.error();
    max_ts.push_back(stats.max_timestamp);
    if (first && origin == AppendOrigin::client) {
      // A retried batch is answered with where it went the first time.
      if (auto dup = producers_.find_duplicate(b->header)) {
        AppendInfo info;
        info.duplicate = true;
        info.first_offset = dup->first_offset;
        info.last_offset = dup->last_offset;
        info.max_timestamp = dup->timestamp;
        info.offset_of_max_timestamp = dup->last_offset;
        return info;
      }
    }
    first = false;
  }
  if (it.stop() != model::BatchIterator::Stop::clean_end)
    return make_error(ErrorCode::CORRUPT_MESSAGE, "partial or malformed batch at the end of the records");

  Bytes buf(records.begin(), records.end());
  AppendInfo info;
  int64_t next = log_end_offset();
  info.first_offset = next;
  if (cfg_.log_append_time) info.log_append_time = now_ms;
  ProducerStateManager::Update update;
  size_t pos = 0;
  for (size_t i = 0; pos < buf.size(); ++i) {
    auto h = model::BatchHeader::parse(buf.data() + pos);
    std::span<uint8_t> batch(buf.data() + pos, h.size_bytes());
    model::set_base_offset(batch, next);
    model::set_partition_leader_epoch(batch, leader_epoch);
    h.base_offset = next;
    // As Kafka's LogValidator: the topic's message.timestamp.type decides the batch's type;
    // LogAppendTime batches carry the broker's time, CreateTime ones the max of their records.
    int64_t ts = max_ts[i];
    if (cfg_.log_append_time) {
      ts = now_ms;
      model::set_max_timestamp(batch, model::TimestampType::log_append_time, ts);
    } else if (h.timestamp_type() != model::TimestampType::create_time || h.max_timestamp != ts) {
      model::set_max_timestamp(batch, model::TimestampType::create_time, ts);
    }
    h.max_timestamp = ts;
    h.attributes = int16_t(load_be16(batch.data() + model::batch_field::attributes));
    if (auto s = stage_producer(update, h, ByteView(batch.data(), batch.size()), origin); !s.ok()) return s.error();
    int64_t last = next + h.last_offset_delta;
    if (ts > info.max_timestamp || info.offset_of_max_timestamp < 0) {
      info.max_timestamp = ts;
      info.offset_of_max_timestamp = last;
    }
    info.record_count += h.records_count;
    next = last + 1;
    pos += h.size_bytes();
  }
  info.last_offset = next - 1;
  if (auto s = write(buf, now_ms, info, leader_epoch); !s.ok()) return s.error();
  if (auto s = apply_producer_update(std::move(update)); !s.ok()) return s.error();
  return info;
}

Result<AppendInfo> Log::append_marker(int64_t producer_id, int16_t producer_epoch, const model::EndTxnMarker& marker,
                                      int32_t leader_epoch, int64_t now_ms) {
  Bytes batch = model::build_end_txn_marker(producer_id, producer_epoch, marker, now_ms);
  return append(batch, leader_epoch, now_ms, AppendOrigin::coordinator);
}

Result<AppendInfo> Log::append_replicated(ByteView records, int64_t now_ms) {
  GREGOR_ASSERT(!closed_);
  if (now_ms < 0) now_ms = wall_ms();
  if (records.empty()) return make_error(ErrorCode::CORRUPT_MESSAGE, "no record batches");
  model::BatchIterator it(records);
  model::ValidateOptions shallow;
  shallow.check_records = false;
  AppendInfo info;
  int64_t expected = log_end_offset();
  int32_t epoch = -1;
  ProducerStateManager::Update update;
  while (auto b = it.next()) {
    const auto& h = b->header;
    if (auto s = model::validate_batch(b->bytes, shallow); !s.ok()) return s.error();
    if (h.base_offset < expected)
      return make_error(ErrorCode::OFFSET_OUT_OF_RANGE,
                        fmt::format("replicated batch at {} is below the expected offset {}", h.base_offset, expected));
    if (h.last_offset() < h.base_offset)
      return make_error(ErrorCode::CORRUPT_MESSAGE, fmt::format("replicated batch at {} runs past the largest offset",
                                                                h.base_offset));
    if (auto s = stage_producer(update, h, b->bytes, AppendOrigin::replication); !s.ok()) return s.error();
    if (info.first_offset < 0) info.first_offset = h.base_offset;
    if (h.max_timestamp > info.max_timestamp || info.offset_of_max_timestamp < 0) {
      info.max_timestamp = h.max_timestamp;
      info.offset_of_max_timestamp = h.last_offset();
    }
    if (h.timestamp_type() == model::TimestampType::log_append_time) info.log_append_time = h.max_timestamp;
    info.record_count += h.records_count;
    expected = h.last_offset() + 1;
    epoch = std::max(epoch, h.partition_leader_epoch);
  }
  if (it.stop() != model::BatchIterator::Stop::clean_end)
    return make_error(ErrorCode::CORRUPT_MESSAGE, "partial or malformed batch at the end of the records");
  info.last_offset = expected - 1;
  Bytes buf(records.begin(), records.end());
  // Epoch starts come from each batch, not only the largest one.
  model::BatchIterator epochs_it(buf);
  while (auto b = epochs_it.next()) epochs_->assign(b->header.partition_leader_epoch, b->header.base_offset);
  if (auto s = write(buf, now_ms, info, -1); !s.ok()) return s.error();
  if (auto s = apply_producer_update(std::move(update)); !s.ok()) return s.error();
  return info;
}

std::vector<AbortedTxn> Log::aborted_transactions(int64_t from, int64_t to) const {
  std::vector<AbortedTxn> out;
  auto it = std::lower_bound(aborted_.begin(), aborted_.end(), from,
                             [](const AbortedTxn& a, int64_t v) { return a.last_offset < v; });
  for (; it != aborted_.end(); ++it)
    if (it->first_offset < to) out.push_back(*it);
  return out;
}

bool Log::should_roll(uint64_t incoming_bytes, int64_t incoming_max_ts, int64_t last_offset, int64_t now_ms) const {
  const Segment& a = active();
  if (a.empty()) return false;
  if (int64_t(a.size() + incoming_bytes) > cfg_.segment_bytes) return true;
  int64_t waited = a.first_batch_timestamp() >= 0 ? incoming_max_ts - a.first_batch_timestamp() : now_ms - a.created_ms();
  if (waited > cfg_.segment_ms) return true;
  return a.index_full() || !a.can_hold(last_offset);
}

Status Log::write(Bytes& buf, int64_t now_ms, AppendInfo& info, int32_t leader_epoch) {
  if (should_roll(buf.size(), info.max_timestamp, info.last_offset, now_ms)) {
    if (auto s = roll(now_ms); !s.ok()) return s;
  }
  if (active().empty() && !active().can_hold(info.last_offset)) {
    // A follower's batch far past an empty active segment: restart the segment at the batch.
    int64_t base = active().base_offset();
    if (auto s = active().remove(); !s.ok()) return s;
    segments_.erase(base);
    auto seg = Segment::create(dir_, info.first_offset, cfg_, now_ms);
    if (!seg.ok()) return seg.error();
    segments_.emplace(info.first_offset, std::move(*seg));
  }
  if (auto s = active().append(buf); !s.ok()) return s;
  epochs_->assign(leader_epoch, info.first_offset);
  unflushed_messages_ += info.record_count;
  return Status::OK();
}

Result<io::FileSlice> Log::read(int64_t offset, int32_t max_bytes, int64_t max_offset, bool min_one,
                               int64_t* end_offset) const {
  if (end_offset) *end_offset = offset;
  int64_t leo = log_end_offset();
  if (offset < log_start_offset_ || offset > leo)
    return make_error(ErrorCode::OFFSET_OUT_OF_RANGE,
                      fmt::format("offset {} outside [{}, {}]", offset, log_start_offset_, leo));
  if (offset == leo) return io::FileSlice{active().file(), active().size(), 0};
  auto it = segments_.upper_bound(offset);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) {
    auto r = it->second->read(offset, max_bytes, max_offset, min_one, end_offset);
    if (!r.ok()) return r.error();
    if (*r) return **r;
  }
  return io::FileSlice{active().file(), active().size(), 0};
}

Result<std::optional<std::pair<int64_t, int64_t>>> Log::offset_for_timestamp(int64_t ts) const {
  for (const auto& [base, seg] : segments_) {
    if (seg->next_offset() <= log_start_offset_) continue;
    auto r = seg->find_timestamp(ts, log_start_offset_);
    if (!r.ok() || *r) return r;
  }
  return std::optional<std::pair<int64_t, int64_t>>();
}

std::pair<int64_t, int64_t> Log::max_timestamp_and_offset() const {
  std::pair<int64_t, int64_t> best{-1, -1};
  for (const auto& [base, seg] : segments_)
    if (seg->max_timestamp() > best.first) best = {seg->max_timestamp(), seg->offset_of_max_timestamp()};
  if (best.second < 0) return best;
  // The segment tracks the batch; ListOffsets wants the record (KIP-734 as fixed in Kafka 3.8),
  // so find the first record of that batch carrying the max timestamp.
  auto slice = read(best.second, 1, log_end_offset(), true);
  if (!slice.ok() || slice->size == 0) return best;
  Bytes buf;
  if (!slice->file->pread_exact(slice->position, slice->size, buf).ok()) return best;
  model::BatchIterator it{ByteView(buf)};
  while (auto batch = it.next()) {
    const auto& h = batch->header;
    if (best.second < h.base_offset || best.second > h.last_offset()) continue;
    if (h.timestamp_type() == model::TimestampType::log_append_time) return {best.first, h.base_offset};
    int64_t found = -1;
    (void)model::for_each_record(batch->bytes, [&](const model::RecordView& r) -> Status {
      // Records of recovered or replicated batches were not validated: add timestamps with
      // wrapping (Java long) arithmetic, and take only offset deltas inside this batch.
      const int64_t ts = int64_t(uint64_t(h.base_timestamp) + uint64_t(r.timestamp_delta));
      if (found < 0 && ts == best.first && r.offset_delta >= 0 && r.offset_delta <= h.last_offset_delta)
        found = h.base_offset + r.offset_delta;
      return Status::OK();
    });
    if (found >= 0) best.second = found;
    break;
  }
  return best;
}

Status Log::flush() {
  // The epochs first: data below the recovery point is never scanned again by recovery.
  if (auto s = epochs_->persist(); !s.ok()) return s;
  for (auto& [base, seg] : segments_) {
    if (auto s = seg->flush(); !s.ok()) return s;  // a no-op for segments with nothing unsynced
  }
  recovery_point_ = log_end_offset();
  unflushed_messages_ = 0;
  return Status::OK();
}

Status Log::flush_if_due(int64_t now_ms) {
  if (last_flush_ms_ < 0) last_flush_ms_ = now_ms;
  if (unflushed_messages_ == 0) return Status::OK();
  if (unflushed_messages_ >= cfg_.flush_messages || now_ms - last_flush_ms_ >= cfg_.flush_ms) {
    if (auto s = flush(); !s.ok()) return s;
    last_flush_ms_ = now_ms;
  }
  return Status::OK();
}

Status Log::roll_if_due(int64_t now_ms) {
  if (!active().empty() && now_ms - active().created_ms() > cfg_.segment_ms) return roll(now_ms);
  return Status::OK();
}

Status Log::roll(int64_t now_ms) {
  if (active().empty()) return Status::OK();
  int64_t base = log_end_offset();
  if (auto s = active().seal(); !s.ok()) return s;
  auto seg = Segment::create(dir_, base, cfg_, now_ms);
  if (!seg.ok()) return seg.error();
  segments_.emplace(base, std::move(*seg));
  GLOG_DEBUG("{}: rolled segment at offset {}", dir_.string(), base);
  if (auto s = take_producer_snapshot(); !s.ok()) return s;
  return io::fsync_dir(dir_);
}

Status Log::delete_oldest(size_t n, int64_t now_ms) {
  if (n == 0) return Status::OK();
  if (n >= segments_.size()) {
    if (auto s = roll(now_ms); !s.ok()) return s;
    n = std::min(n, segments_.size() - 1);
  }
  for (size_t i = 0; i < n; ++i) {
    auto it = segments_.begin();
    if (auto s = it->second->remove(); !s.ok()) return s;
    segments_.erase(it);
  }
  log_start_offset_ = std::max(log_start_offset_, segments_.begin()->first);
  recovery_point_ = std::max(recovery_point_, log_start_offset_);
  epochs_->truncate_from_start(log_start_offset_);
  const int64_t first_base = segments_.begin()->first;
  std::erase_if(aborted_, [&](const AbortedTxn& a) { return a.last_offset < first_base; });
  remove_snapshots_outside(first_base, log_end_offset());
  return io::fsync_dir(dir_);
}

Result<int> Log::apply_retention(int64_t now_ms, int64_t upper_bound) {
  std::vector<SegmentSummary> sums;
  for (auto it = segments_.begin(); it != segments_.end(); ++it) {
    auto next = std::next(it);
    SegmentSummary s;
    s.base_offset = it->first;
    s.end_offset = next == segments_.end() ? log_end_offset() : next->first;
    s.size = it->second->size();
    s.max_timestamp = it->second->max_timestamp();
    if (s.max_timestamp < 0) {
      struct stat st;
      if (::stat(it->second->file()->path().c_str(), &st) == 0) s.max_timestamp = int64_t(st.st_mtime) * 1000;
    }
    s.active = next == segments_.end();
    sums.push_back(s);
  }
  size_t n = segments_to_delete(sums, cfg_, now_ms, upper_bound, log_start_offset_);
  if (auto s = delete_oldest(n, now_ms); !s.ok()) return s.error();
  return int(n);
}

Status Log::advance_log_start_offset(int64_t offset) {
  if (offset > log_end_offset())
    return make_error(ErrorCode::OFFSET_OUT_OF_RANGE,
                      fmt::format("log start {} beyond the log end {}", offset, log_end_offset()));
  if (offset <= log_start_offset_) return Status::OK();
  log_start_offset_ = offset;
  recovery_point_ = std::max(recovery_point_, std::min(offset, log_end_offset()));
  epochs_->truncate_from_start(offset);
  size_t n = 0;
  for (auto it = segments_.begin(); std::next(it) != segments_.end() && std::next(it)->first <= offset; ++it) ++n;
  return delete_oldest(n, -1);
}

Status Log::truncate_to(int64_t offset) {
  if (offset < 0) return make_error(ErrorCode::OFFSET_OUT_OF_RANGE, "negative truncation offset");
  if (offset >= log_end_offset()) {
    // No data to drop, but as Kafka's UnifiedLog.truncateTo the epoch cache is still cut at the
    // LEO: a replica that led an epoch and wrote nothing in it keeps that epoch's entry (start
    // = LEO), would send it as its last fetched epoch and be told to truncate here forever.
    epochs_->truncate_from_end(log_end_offset());
    return Status::OK();
  }
  if (offset < log_start_offset_ || offset <= segments_.begin()->first) return truncate_fully_and_start_at(offset);
  while (segments_.rbegin()->first >= offset) {
    auto it = std::prev(segments_.end());
    if (auto s = it->second->remove(); !s.ok()) return s;
    segments_.erase(it);
  }
  if (auto s = active().truncate_to(offset); !s.ok()) return s;
  int64_t leo = log_end_offset();
  recovery_point_ = std::min(recovery_point_, leo);
  log_start_offset_ = std::min(log_start_offset_, leo);
  epochs_->truncate_from_end(leo);
  std::erase_if(aborted_, [&](const AbortedTxn& a) { return a.last_offset >= leo; });
  if (auto s = rewrite_txn_indexes(active().base_offset()); !s.ok()) return s;
  if (auto s = load_producer_state(false); !s.ok()) return s;
  return io::fsync_dir(dir_);
}

Status Log::truncate_fully_and_start_at(int64_t offset) {
  if (offset < 0) return make_error(ErrorCode::OFFSET_OUT_OF_RANGE, "negative start offset");
  int64_t created = active().created_ms();
  while (!segments_.empty()) {
    auto it = segments_.begin();
    if (auto s = it->second->remove(); !s.ok()) return s;
    segments_.erase(it);
  }
  auto seg = Segment::create(dir_, offset, cfg_, created);
  if (!seg.ok()) return seg.error();
  segments_.emplace(offset, std::move(*seg));
  log_start_offset_ = offset;
  recovery_point_ = offset;
  unflushed_messages_ = 0;
  epochs_->clear();
  aborted_.clear();
  remove_snapshots_outside(offset + 1, offset);  // none is valid for the new log
  producers_.clear();
  return io::fsync_dir(dir_);
}

void Log::set_config(const LogConfig& cfg) {
  cfg_ = cfg;
  for (auto& [base, seg] : segments_) seg->set_config(cfg);
}

Status Log::close() {
  if (closed_) return Status::OK();
  if (auto s = active().seal(); !s.ok()) return s;
  if (auto s = flush(); !s.ok()) return s;
  if (auto s = epochs_->persist(); !s.ok()) return s;
  if (auto s = take_producer_snapshot(); !s.ok()) return s;
  if (auto s = io::write_file_atomic(dir_ / kCleanShutdownFile, ""); !s.ok()) return s;
  closed_ = true;
  return Status::OK();
}

Status Log::destroy(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec)
    return make_error(ErrorCode::KAFKA_STORAGE_ERROR, fmt::format("delete {}: {}", dir.string(), ec.message()));
  auto parent = dir.parent_path();
  return parent.empty() ? Status::OK() : io::fsync_dir(parent);
}

}  // namespace gregor::storage
