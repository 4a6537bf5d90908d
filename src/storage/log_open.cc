// Log::open: loading a partition dir and recovering it after a crash.
#include <algorithm>
#include <limits>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "base/clock.h"
#include "base/log.h"
#include "model/error_code.h"
#include "model/control_record.h"
#include "storage/log.h"
#include "storage/partition_dir.h"
#include "storage/producer_snapshot.h"

namespace gregor::storage {

namespace {

bool has_suffix(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Error fs_error(const std::filesystem::path& p, const std::error_code& ec) {
  return model::make_error(model::ErrorCode::KAFKA_STORAGE_ERROR, fmt::format("{}: {}", p.string(), ec.message()));
}

}  // namespace

Result<std::unique_ptr<Log>> Log::open(std::filesystem::path dir, LogConfig cfg, int64_t recovery_point,
                                       int64_t log_start_offset, int64_t now_ms) {
  if (now_ms < 0) now_ms = wall_ms();
  std::unique_ptr<Log> log(new Log(std::move(dir), cfg));
  if (auto s = log->load(recovery_point, log_start_offset, now_ms); !s.ok()) return s.error();
  return log;
}

Status Log::load(int64_t recovery_point, int64_t log_start_offset, int64_t now_ms) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return fs_error(dir_, ec);
  const auto marker = dir_ / kCleanShutdownFile;
  const bool clean = std::filesystem::exists(marker, ec);
  open_stats_.clean_shutdown = clean;

  auto epochs = LeaderEpochCache::open(dir_ / kLeaderEpochCheckpointFile);
  if (epochs.ok()) {
    epochs_ = std::move(*epochs);
  } else {
    GLOG_WARN("{}: {}; rebuilding leader epochs from the log", dir_.string(), epochs.error().message);
    epochs_ = LeaderEpochCache::empty(dir_ / kLeaderEpochCheckpointFile);
  }

  // Inventory: segment files; leftovers of interrupted operations are removed.
  std::set<int64_t> bases, index_bases;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (has_suffix(name, ".tmp") || has_suffix(name, ".deleted") || has_suffix(name, ".cleaned") ||
        has_suffix(name, ".swap")) {
      std::filesystem::remove(entry.path(), ec);
      continue;
    }
    if (auto b = parse_segment_file(name, kLogSuffix)) bases.insert(*b);
    if (auto b = parse_segment_file(name, kIndexSuffix)) index_bases.insert(*b);
    if (auto b = parse_segment_file(name, kTimeIndexSuffix)) index_bases.insert(*b);
    if (auto b = parse_segment_file(name, kTxnIndexSuffix)) index_bases.insert(*b);
  }
  if (ec) return fs_error(dir_, ec);
  for (int64_t b : index_bases)
    if (!bases.count(b)) {
      std::filesystem::remove(segment_file(dir_, b, kIndexSuffix), ec);
      std::filesystem::remove(segment_file(dir_, b, kTimeIndexSuffix), ec);
      std::filesystem::remove(segment_file(dir_, b, kTxnIndexSuffix), ec);
    }

  const bool fresh = bases.empty();
  if (fresh) {
    int64_t start = std::max<int64_t>(0, log_start_offset);
    auto seg = Segment::create(dir_, start, cfg_, now_ms);
    if (!seg.ok()) return seg.error();
    segments_.emplace(start, std::move(*seg));
    epochs_->clear();
  } else {
    for (int64_t b : bases) {
      auto seg = Segment::open(dir_, b, cfg_, now_ms);
      if (!seg.ok()) return seg.error();
      segments_.emplace(b, std::move(*seg));
    }
  }

  bool recovered_any = false;
  int64_t prev_next = -1;
  for (auto it = segments_.begin(); it != segments_.end(); ++it) {
    auto next = std::next(it);
    bool last = next == segments_.end();
    Segment& seg = *it->second;
    bool must_recover = !clean && !fresh && (recovery_point < 0 || last || next->first > recovery_point);
    if (!must_recover) {
      auto ok = seg.load_tail();
      if (!ok.ok()) return ok.error();
      if (!*ok) {
        GLOG_WARN("{}: segment {} has inconsistent indexes; recovering it", dir_.string(), it->first);
        must_recover = true;
      }
    }
    if (must_recover) {
      auto stats = seg.recover(epochs_.get(), !last, prev_next);
      if (!stats.ok()) return stats.error();
      recovered_any = true;
      open_stats_.segments_recovered++;
      open_stats_.bytes_scanned += stats->bytes_scanned;
      open_stats_.bytes_truncated += stats->bytes_truncated;
      if (stats->bytes_truncated > 0 && !last) {
        GLOG_WARN("{}: segment {} was corrupt after {} valid bytes; dropping the segments after it", dir_.string(),
                  it->first, stats->bytes_scanned);
        while (std::next(it) != segments_.end()) {
          auto victim = std::next(it);
          if (auto s = victim->second->remove(); !s.ok()) return s;
          segments_.erase(victim);
          open_stats_.segments_dropped++;
        }
      }
      if (auto s = seg.flush(); !s.ok()) return s;
    }
    prev_next = seg.next_offset();
  }

  int64_t leo = log_end_offset();
  if (log_start_offset > leo && !fresh) {
    // The checkpoint is wrong (corrupt, or written for data a crash then cut): a start offset
    // past the data is never a reason to delete it.
    GLOG_WARN("{}: the log-start-offset-checkpoint says {}, past the log end offset {}; ignoring it and keeping "
              "the data from offset {}",
              dir_.string(), log_start_offset, leo, segments_.begin()->first);
    log_start_offset = -1;
  }
  log_start_offset_ = std::max(log_start_offset, segments_.begin()->first);
  recovery_point_ = leo;
  epochs_->truncate_from_end(leo);
  epochs_->truncate_from_start(log_start_offset_);
  // The recovery point is now the log end: the file must match what was just rebuilt (a no-op
  // when it does).
  if (auto s = epochs_->persist(); !s.ok()) return s;
  if (recovered_any) {
    GLOG_INFO("{}: recovered {} segment(s), {} bytes scanned, {} bytes truncated; log end offset {}", dir_.string(),
              open_stats_.segments_recovered, open_stats_.bytes_scanned, open_stats_.bytes_truncated, leo);
  }
  if (auto s = load_producer_state(clean); !s.ok()) return s;
  if (clean) {
    std::filesystem::remove(marker, ec);
    if (ec) return fs_error(marker, ec);
  }
  if (auto s = io::fsync_dir(dir_); !s.ok()) return s;
  last_flush_ms_ = now_ms;
  return Status::OK();
}

void Log::remove_snapshots_outside(int64_t low, int64_t high) {
  for (int64_t o : list_producer_snapshots(dir_))
    if (o < low || o > high) remove_producer_snapshot(dir_, o);
}

Status Log::take_producer_snapshot() {
  // Written even when empty: the next start then knows there is nothing before it to replay.
  return write_producer_snapshot(dir_, log_end_offset(), producers_.producers());
}

Status Log::rewrite_txn_indexes(int64_t from_base) {
  for (auto it = segments_.lower_bound(from_base); it != segments_.end(); ++it) {
    auto next = std::next(it);
    const int64_t end = next == segments_.end() ? std::numeric_limits<int64_t>::max() : next->first;
    std::vector<AbortedTxn> mine;
    for (const auto& a : aborted_)
      if (a.last_offset >= it->first && a.last_offset < end) mine.push_back(a);
    if (auto s = write_txn_index(dir_, it->first, mine); !s.ok()) return s;
  }
  return Status::OK();
}

Status Log::load_producer_state(bool clean_shutdown) {
  const int64_t leo = log_end_offset();
  remove_snapshots_outside(log_start_offset_, leo);
  int64_t from = log_start_offset_;
  producers_.clear();
  auto snapshots = list_producer_snapshots(dir_);
  // A log closed cleanly by a version that kept no producer state: nothing to replay (as Kafka
  // treats a clean shutdown without snapshots).
  if (clean_shutdown && snapshots.empty()) from = leo;
  for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
    auto loaded = read_producer_snapshot(segment_file(dir_, *it, kSnapshotSuffix));
    if (!loaded.ok()) {
      GLOG_WARN("{}: {}; rebuilding producer state from the log", dir_.string(), loaded.error().message);
      remove_producer_snapshot(dir_, *it);
      continue;
    }
    producers_.reset(std::move(*loaded));
    from = *it;
    break;
  }
  // The transaction index below `from` is trusted; the rest is rebuilt by the replay. A
  // damaged index file means rebuilding everything from the log start.
  aborted_.clear();
  for (const auto& [base, seg] : segments_) {
    auto entries = read_txn_index(dir_, base);
    if (!entries.ok()) {
      GLOG_WARN("{}: {}; rebuilding producer state and aborted transactions from the log", dir_.string(),
                entries.error().message);
      from = log_start_offset_;
      producers_.clear();
      aborted_.clear();
      break;
    }
    aborted_.insert(aborted_.end(), entries->begin(), entries->end());
  }
  std::erase_if(aborted_, [&](const AbortedTxn& a) { return a.last_offset >= from || a.last_offset < log_start_offset_; });
  std::sort(aborted_.begin(), aborted_.end(),
            [](const AbortedTxn& a, const AbortedTxn& b) { return a.last_offset < b.last_offset; });
  const size_t trusted = aborted_.size();
  if (from < leo) {
    if (auto s = replay_producer_state(from); !s.ok()) return s;
  }
  if (aborted_.size() != trusted || from < leo) {
    auto it = segments_.upper_bound(from);
    if (it != segments_.begin()) --it;
    if (auto s = rewrite_txn_indexes(it->first); !s.ok()) return s;
  }
  return Status::OK();
}

Status Log::replay_producer_state(int64_t from) {
  auto it = segments_.upper_bound(from);
  if (it != segments_.begin()) --it;
  size_t batches = 0;
  for (; it != segments_.end(); ++it) {
    const Segment& seg = *it->second;
    auto start = seg.find(from);
    if (!start.ok()) return start.error();
    if (!*start) continue;
    BatchScanner scan(*seg.file(), (*start)->position, seg.size());
    while (auto b = scan.next()) {
      const auto& h = b->header;
      if (h.last_offset() < from || h.producer_id < 0) continue;
      ByteView bytes;
      if (h.is_control()) {
        auto whole = scan.bytes();
        if (!whole.ok()) return whole.error();
        bytes = *whole;
      }
      ProducerStateManager::Update u;
      if (h.is_control()) {
        auto m = model::parse_end_txn_marker(bytes);
        if (!m.ok()) continue;
        if (auto s = producers_.stage(u, h, AppendOrigin::replication, *m); !s.ok()) return s;
      } else if (auto s = producers_.stage(u, h, AppendOrigin::replication); !s.ok()) {
        return s;
      }
      for (const auto& [txn, lso] : producers_.apply(std::move(u)))
        if (txn.aborted) aborted_.push_back(AbortedTxn{txn.producer_id, txn.first_offset, txn.last_offset, lso});
      ++batches;
    }
    if (!scan.status().ok()) return scan.status();
  }
  if (batches > 0)
    GLOG_INFO("{}: rebuilt producer state from offset {} ({} producer batches, {} producers, {} open transactions)",
              dir_.string(), from, batches, producers_.producers().size(), producers_.open_transactions().size());
  return Status::OK();
}

}  // namespace gregor::storage
