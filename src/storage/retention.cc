#include "storage/retention.h"

namespace gregor::storage {

size_t segments_to_delete(const std::vector<SegmentSummary>& segs, const LogConfig& cfg, int64_t now_ms,
                          int64_t upper_bound, int64_t log_start_offset) {
  auto eligible = [&](const SegmentSummary& s) { return s.end_offset <= upper_bound && (!s.active || s.size > 0); };
  size_t i = 0;
  if (cfg.retention_ms >= 0) {
    while (i < segs.size() && eligible(segs[i]) && now_ms - segs[i].max_timestamp > cfg.retention_ms) ++i;
  }
  if (cfg.retention_bytes >= 0) {
    int64_t diff = -cfg.retention_bytes;
    for (size_t j = i; j < segs.size(); ++j) diff += int64_t(segs[j].size);
    while (i < segs.size() && eligible(segs[i]) && diff - int64_t(segs[i].size) >= 0) {
      diff -= int64_t(segs[i].size);
      ++i;
    }
  }
  while (i < segs.size() && eligible(segs[i]) && segs[i].end_offset <= log_start_offset) ++i;
  return i;
}

}  // namespace gregor::storage
