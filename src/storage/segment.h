// Segment: one ".log" file of record batches plus its ".index" and ".timeindex", covering
// offsets from base_offset() up to next_offset(). Appends go at the end; the sparse indexes
// gain an entry whenever more than index_interval_bytes were written since the last one.
// Thread-safety: owned by the Log's shard thread; not thread-safe. read() hands out
// FileSlices that keep the .log descriptor open on any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"
#include "io/file.h"
#include "model/record_batch.h"
#include "storage/batch_scanner.h"
#include "storage/log_config.h"
#include "storage/offset_index.h"
#include "storage/time_index.h"

namespace gregor::storage {

class LeaderEpochCache;

struct RecoveryStats {
  uint64_t bytes_scanned = 0;
  uint64_t bytes_truncated = 0;  // bytes cut from the tail (invalid or partial data)
  int batches = 0;
};

class Segment {
 public:
  // Creates empty files for a new segment at base_offset (fails if a .log exists).
  static Result<std::unique_ptr<Segment>> create(const std::filesystem::path& dir, int64_t base_offset,
                                                 const LogConfig& cfg, int64_t now_ms);
  // Opens an existing segment. Loads the indexes but scans nothing; call load_tail() (trusted
  // data) or recover() before use.
  static Result<std::unique_ptr<Segment>> open(const std::filesystem::path& dir, int64_t base_offset,
                                               const LogConfig& cfg, int64_t now_ms);

  // For data below the recovery point: checks the indexes and scans only past the last index
  // entry to find next_offset and the max timestamp. Returns false (and changes nothing on
  // disk) if the indexes or the tail look wrong; the caller should recover() instead.
  Result<bool> load_tail();
  // Scans every batch (framing, CRC, magic, offsets increasing from min_next_offset), truncates
  // the file at the first bad byte, rebuilds both indexes as appends would have built them.
  // If epochs is given, records leader epoch starts seen in the batches. If sealed (a later
  // segment exists), adds the final time index entry a roll adds.
  Result<RecoveryStats> recover(LeaderEpochCache* epochs, bool sealed, int64_t min_next_offset);

  int64_t base_offset() const { return base_offset_; }
  int64_t next_offset() const { return next_offset_; }
  uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t max_timestamp() const { return max_timestamp_; }
  int64_t offset_of_max_timestamp() const { return offset_of_max_timestamp_; }
  // Max timestamp of the first batch (-1 if none): the base for segment.ms rolls.
  int64_t first_batch_timestamp() const { return first_batch_timestamp_; }
  int64_t created_ms() const { return created_ms_; }
  const std::shared_ptr<io::File>& file() const { return log_; }
  const OffsetIndex& offset_index() const { return *index_; }
  const TimeIndex& time_index() const { return *time_index_; }
  bool index_full() const { return index_->full() || time_index_->full(); }
  // Whether an append ending at last_offset keeps relative offsets within uint32 (and not below
  // the base: a batch whose last offset wrapped past INT64_MAX fits nowhere).
  bool can_hold(int64_t last_offset) const {
    return last_offset >= base_offset_ && last_offset - base_offset_ <= int64_t(UINT32_MAX);
  }

  // Appends whole, validated batches whose offsets are final.
  // REQUIRES: the first base offset >= next_offset(); can_hold(last offset).
  Status append(ByteView batches);

  // The first batch whose last offset >= offset, if any.
  Result<std::optional<ScannedBatch>> find(int64_t offset) const;
  // Whole batches from the one holding offset: see Log::read. nullopt if this segment has no
  // batch at or after offset.
  // end_offset, if given, receives the offset after the last batch returned.
  Result<std::optional<io::FileSlice>> read(int64_t offset, int32_t max_bytes, int64_t max_offset, bool min_one,
                                            int64_t* end_offset = nullptr) const;
  // The first (offset, timestamp) of a record with timestamp >= ts and offset >= min_offset.
  Result<std::optional<std::pair<int64_t, int64_t>>> find_timestamp(int64_t ts, int64_t min_offset) const;

  // Drops every batch whose last offset >= offset (a batch holding offset goes whole).
  Status truncate_to(int64_t offset);
  // Called when the segment stops being the active one.
  Status seal();
  Status flush();
  void set_config(const LogConfig& cfg);
  // Deletes its files (.log, .index, .timeindex and the .txnindex if any).
  Status remove();

 private:
  Segment(std::filesystem::path dir, int64_t base_offset, const LogConfig& cfg, int64_t now_ms);
  Status open_files(bool create);
  // Recomputes next_offset, max timestamp and index bookkeeping by scanning from the last
  // offset index entry. Returns false if the tail does not parse cleanly.
  Result<bool> scan_tail();

  std::filesystem::path dir_;
  int64_t base_offset_;
  LogConfig cfg_;
  std::shared_ptr<io::File> log_;
  std::optional<OffsetIndex> index_;
  std::optional<TimeIndex> time_index_;
  uint64_t size_ = 0;
  int64_t next_offset_;
  int64_t max_timestamp_ = -1;
  int64_t offset_of_max_timestamp_ = -1;
  int64_t first_batch_timestamp_ = -1;
  int64_t created_ms_;
  uint64_t bytes_since_index_entry_ = 0;
  bool dirty_ = false;
};

}  // namespace gregor::storage
