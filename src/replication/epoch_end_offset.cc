#include "replication/epoch_end_offset.h"

#include "base/assert.h"

namespace gregor::replication {

void assert_well_formed(std::span<const EpochEntry> entries) {
  for (size_t i = 1; i < entries.size(); ++i) {
    GREGOR_ASSERT_MSG(entries[i - 1].epoch < entries[i].epoch, "leader epochs must strictly increase");
    GREGOR_ASSERT_MSG(entries[i - 1].start_offset <= entries[i].start_offset,
                      "epoch start offsets must not decrease");
  }
}

std::optional<int32_t> latest_epoch(std::span<const EpochEntry> entries) {
  if (entries.empty()) return std::nullopt;
  return entries.back().epoch;
}

EpochEndOffset end_offset_for(std::span<const EpochEntry> entries, int32_t requested_epoch,
                              int64_t log_end_offset) {
  assert_well_formed(entries);
  if (requested_epoch == kUndefinedEpoch || entries.empty()) return {};
  if (requested_epoch == entries.back().epoch) return {requested_epoch, log_end_offset};
  if (requested_epoch > entries.back().epoch) return {};  // "should never be hit" in Kafka
  // higher: the first entry with epoch > requested (exists: requested < latest).
  size_t higher = 0;
  while (entries[higher].epoch <= requested_epoch) ++higher;
  if (higher == 0) return {requested_epoch, entries[0].start_offset};  // below every known epoch
  return {entries[higher - 1].epoch, entries[higher].start_offset};
}

}  // namespace gregor::replication
