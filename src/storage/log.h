// Log: one partition's replica log on disk, in Kafka's format: a directory of segments
// "<base offset, 20 digits>.log|.index|.timeindex", a leader-epoch-checkpoint, and a
// ".kafka_cleanshutdown" marker file inside the partition dir after a clean close (this
// project keeps the marker per partition, not per log dir, so each Log opens on its own).
//
// Offsets: log_start_offset() <= recovery_point() <= log_end_offset() (LEO, the next offset
// to assign). Appends validate every batch, then assign offsets from the LEO, stamp the
// leader epoch (and LogAppendTime when configured) and write with pwrite; fsync happens only
// in flush() (flush.messages / flush.ms, or the caller's policy).
//
// Thread-safety: a Log is owned by one shard thread and is not thread-safe. FileSlices
// returned by read() may be sent from any thread; they keep their file open even if the
// segment is deleted.
// REQUIRES: one Log object per partition dir at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "base/bytes.h"
#include "base/result.h"
#include "io/file.h"
#include "storage/leader_epoch_cache.h"
#include "model/batch_iterator.h"
#include "storage/log_config.h"
#include "storage/producer_state.h"
#include "storage/segment.h"
#include "storage/txn_index.h"

namespace gregor::storage {

inline constexpr char kCleanShutdownFile[] = ".kafka_cleanshutdown";

struct AppendInfo {
  int64_t first_offset = -1;
  int64_t last_offset = -1;
  int64_t max_timestamp = -1;
  int64_t offset_of_max_timestamp = -1;
  int64_t log_append_time = -1;  // -1 unless LogAppendTime
  int32_t record_count = 0;
  // The batch repeats one the producer sent before (same producer id, epoch and sequences):
  // nothing was written; first/last_offset are where the original went.
  bool duplicate = false;
};

// What open() had to do, for logs and tests.
struct OpenStats {
  bool clean_shutdown = false;
  int segments_recovered = 0;    // scanned batch by batch
  uint64_t bytes_scanned = 0;
  uint64_t bytes_truncated = 0;  // invalid tail bytes cut off
  int segments_dropped = 0;      // whole segments deleted after a corrupt one
};

class Log {
 public:
  // Opens (creating if missing) the partition dir. recovery_point: offset below which data is
  // known flushed, or -1 unknown. Segments extending past the recovery point are scanned batch
  // by batch: the log is cut at the first invalid byte (torn tail, bad CRC) and later segments
  // dropped; their indexes are rebuilt. With a clean-shutdown marker nothing is scanned but
  // the indexes are sanity-checked (a failing segment is recovered).
  // log_start_offset: from log-start-offset-checkpoint, or -1 unknown; a value past the log end
  // of existing data is a corrupt checkpoint: logged and ignored, nothing is deleted.
  static Result<std::unique_ptr<Log>> open(std::filesystem::path dir, LogConfig cfg, int64_t recovery_point,
                                           int64_t log_start_offset, int64_t now_ms = -1);

  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // Validates every batch in records (one or more v2 batches as a producer sent them), then
  // assigns offsets from the LEO, stamps partitionLeaderEpoch = leader_epoch (and LogAppendTime
  // if configured), writes to the active segment (rolling first if due) and updates indexes
  // and the producer state. Nothing is written if any batch is invalid. A client batch that
  // repeats one of its producer's last 5 is not written again (AppendInfo::duplicate).
  // Errors: MESSAGE_TOO_LARGE (a batch over max_message_bytes), CORRUPT_MESSAGE (framing, CRC,
  // magic, empty input, trailing bytes), INVALID_RECORD, UNSUPPORTED_COMPRESSION_TYPE,
  // KAFKA_STORAGE_ERROR, and the producer state's errors (ProducerStateManager::stage).
  Result<AppendInfo> append(ByteView records, int32_t leader_epoch, int64_t now_ms,
                            AppendOrigin origin = AppendOrigin::client);
  // Appends a transaction marker (an end-txn control batch) for producer_id, as the
  // coordinator's WriteTxnMarkers asks; an abort is added to the transaction index.
  Result<AppendInfo> append_marker(int64_t producer_id, int16_t producer_epoch, const model::EndTxnMarker& marker,
                                   int32_t leader_epoch, int64_t now_ms);
  // Appends batches that already carry offsets (follower replication). Checks framing and CRC,
  // that offsets increase and the first batch starts at or after the LEO (else
  // OFFSET_OUT_OF_RANGE); leader epochs are taken from the batches. No size limit applies.
  Result<AppendInfo> append_replicated(ByteView records, int64_t now_ms = -1);

  // Whole batches from the batch holding offset, up to max_bytes, without any batch whose base
  // offset >= max_offset. With min_one, a first batch larger than max_bytes is returned whole.
  // Empty slice at offset == LEO. OFFSET_OUT_OF_RANGE if offset < log start or > LEO.
  // end_offset, if given, receives the offset after the last batch returned (offset if none).
  Result<io::FileSlice> read(int64_t offset, int32_t max_bytes, int64_t max_offset, bool min_one,
                             int64_t* end_offset = nullptr) const;

  int64_t log_start_offset() const { return log_start_offset_; }
  int64_t log_end_offset() const { return active().next_offset(); }
  int64_t recovery_point() const { return recovery_point_; }
  uint64_t size_bytes() const;
  size_t segment_count() const { return segments_.size(); }
  const std::filesystem::path& dir() const { return dir_; }
  const LogConfig& config() const { return cfg_; }
  const OpenStats& open_stats() const { return open_stats_; }
  const LeaderEpochCache& epochs() const { return *epochs_; }
  const ProducerStateManager& producer_state() const { return producers_; }
  // The first offset of an open transaction, or of a completed one whose marker is not yet
  // below the high watermark (see ProducerStateManager); the LSO is min(HW, this).
  std::optional<int64_t> first_unstable_offset() const { return producers_.first_unstable_offset(); }
  // The partition's high watermark moved (leader or follower).
  void on_high_watermark(int64_t hw) { producers_.on_high_watermark(hw); }
  // Aborted transactions whose data overlaps [from, to): marker at or after from, first
  // offset before to; in marker order.
  std::vector<AbortedTxn> aborted_transactions(int64_t from, int64_t to) const;
  // Drops producers idle for producer.id.expiration.ms; how many.
  size_t remove_expired_producers(int64_t now_ms, int64_t expiration_ms) {
    return producers_.remove_expired(now_ms, expiration_ms);
  }
  // Base offsets of the segments, oldest first (tests, tools).
  std::vector<int64_t> segment_bases() const;
  const Segment& segment(int64_t base_offset) const { return *segments_.at(base_offset); }

  // ListOffsets by timestamp: the first (offset, timestamp) of a record with timestamp >= ts
  // at or after the log start; nullopt when none.
  Result<std::optional<std::pair<int64_t, int64_t>>> offset_for_timestamp(int64_t ts) const;
  // (largest batch max timestamp, last offset of that batch); (-1, -1) if the log is empty.
  std::pair<int64_t, int64_t> max_timestamp_and_offset() const;
  // ListOffsets v0's answer, newest first, at most max_count offsets: the segment starts (the
  // first raised to the log start) and, if the active segment holds data, the log end, each
  // dated by its segment's max timestamp (the log end by now_ms). ts -1 starts from the newest,
  // -2 from the oldest, any other ts from the newest dated at or before it (Kafka dates them by
  // file modification time).
  std::vector<int64_t> offsets_before(int64_t ts, int32_t max_count, int64_t now_ms) const;

  Status flush();                              // fdatasync up to the LEO, advance the recovery point
  Status flush_if_due(int64_t now_ms);         // flush.messages / flush.ms
  Status roll_if_due(int64_t now_ms);          // segment.ms since the active segment was created
  Status roll(int64_t now_ms);                 // a new active segment at the LEO (no-op if empty)
  // Deletes whole segments past retention.ms (by the segment's max timestamp), beyond
  // retention.bytes, or below the log start offset, oldest first; never a segment whose end
  // is above upper_bound (the high watermark). Advances the log start offset; returns how
  // many segments were deleted.
  Result<int> apply_retention(int64_t now_ms, int64_t upper_bound);
  // DeleteRecords. REQUIRES-ish: offset <= LEO (else OFFSET_OUT_OF_RANGE); lower is a no-op.
  Status advance_log_start_offset(int64_t offset);
  // Removes every batch whose last offset >= offset (a batch holding offset goes whole, so the
  // LEO may end below offset). offset < log start empties the log and restarts it at offset.
  // offset >= LEO drops no data but still drops leader epochs starting at or after the LEO.
  Status truncate_to(int64_t offset);
  // Removes everything and restarts the log at offset (follower far behind the leader).
  Status truncate_fully_and_start_at(int64_t offset);
  void assign_epoch(int32_t epoch, int64_t start_offset) { epochs_->assign(epoch, start_offset); }
  void set_config(const LogConfig& cfg);
  // Flushes, seals indexes, writes the clean-shutdown marker. The Log must not be used after.
  Status close();
  // Deletes a partition dir and everything in it (topic deletion).
  static Status destroy(const std::filesystem::path& dir);

 private:
  Log(std::filesystem::path dir, LogConfig cfg) : dir_(std::move(dir)), cfg_(cfg) {}
  Status load(int64_t recovery_point, int64_t log_start_offset, int64_t now_ms);
  Segment& active() { return *segments_.rbegin()->second; }
  const Segment& active() const { return *segments_.rbegin()->second; }
  bool should_roll(uint64_t incoming_bytes, int64_t incoming_max_ts, int64_t last_offset, int64_t now_ms) const;
  Status write(Bytes& batches, int64_t now_ms, AppendInfo& info, int32_t leader_epoch);
  Status delete_oldest(size_t n, int64_t now_ms);
  // INVALID_TIMESTAMP when a CreateTime record (its range in stats) is outside the configured
  // bounds around now_ms.
  Status check_timestamps(const model::BatchStats& stats, int64_t now_ms) const;
  // Stages one batch (final offsets in h) into u; control batches have their marker parsed.
  Status stage_producer(ProducerStateManager::Update& u, const model::BatchHeader& h, ByteView batch,
                        AppendOrigin origin) const;
  // Applies u after its batches were written; aborted transactions go to the transaction index
  // of the active segment.
  Status apply_producer_update(ProducerStateManager::Update&& u);
  // Rebuilds the producer state and the in-memory transaction index at open or after a
  // truncation: the newest usable snapshot at or below the LEO, then the batches after it.
  // clean_shutdown: the log was closed cleanly (no snapshot then means no producer state).
  Status load_producer_state(bool clean_shutdown);
  // Replays every batch in [from, LEO) into the producer state (as replicated appends).
  Status replay_producer_state(int64_t from);
  Status take_producer_snapshot();
  void remove_snapshots_outside(int64_t low, int64_t high);
  // Rewrites the .txnindex of every segment at or after `from_base` from aborted_.
  Status rewrite_txn_indexes(int64_t from_base);

  std::filesystem::path dir_;
  LogConfig cfg_;
  std::map<int64_t, std::unique_ptr<Segment>> segments_;
  std::unique_ptr<LeaderEpochCache> epochs_;
  int64_t log_start_offset_ = 0;
  int64_t recovery_point_ = 0;
  int64_t unflushed_messages_ = 0;
  int64_t last_flush_ms_ = -1;
  OpenStats open_stats_;
  ProducerStateManager producers_;
  std::vector<AbortedTxn> aborted_;  // the transaction index, in marker order
  bool closed_ = false;
};

}  // namespace gregor::storage
