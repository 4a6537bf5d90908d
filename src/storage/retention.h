// Retention: which of a log's oldest segments to delete, as a pure function over segment
// summaries so the rules can be tested without files. Kafka's three passes, in order, each
// taking segments from the oldest while its rule holds:
//   1. retention.ms: now - the segment's largest timestamp > retention.ms (unless -1);
//   2. retention.bytes: while the log stays at or above retention.bytes without the segment;
//   3. log start offset: the segment ends at or below the log start offset.
// A segment qualifies only if it ends at or below upper_bound (the high watermark), and the
// active segment only if it is not empty.
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "storage/log_config.h"

namespace gregor::storage {

struct SegmentSummary {
  int64_t base_offset = 0;
  int64_t end_offset = 0;     // the next segment's base offset, or the LEO for the active one
  uint64_t size = 0;
  int64_t max_timestamp = -1;  // largest batch timestamp, or the file's mtime if none
  bool active = false;
};

// How many of the oldest segments to delete. REQUIRES: segments sorted by base offset.
size_t segments_to_delete(const std::vector<SegmentSummary>& segments, const LogConfig& cfg, int64_t now_ms,
                          int64_t upper_bound, int64_t log_start_offset);

}  // namespace gregor::storage
