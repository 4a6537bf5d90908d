#include "replication/divergence.h"

#include <fmt/format.h>

#include "base/assert.h"
#include "model/error_code.h"

namespace gregor::replication {

using model::ErrorCode;

OffsetForLeaderEpochAnswer offset_for_leader_epoch(const LeaderLogView& view, int32_t current_leader_epoch,
                                                   int32_t requested_epoch, bool require_leader) {
  GREGOR_ASSERT(view.log_start_offset <= view.log_end_offset);
  Status s = require_leader ? check_leader_request(view.partition, current_leader_epoch)
                            : check_current_leader_epoch(view.partition.leader_epoch, current_leader_epoch);
  if (!s.ok()) return OffsetForLeaderEpochAnswer{s.error().code, kUndefinedEpoch, kUndefinedEpochOffset};
  EpochEndOffset e = end_offset_for(view.epochs, requested_epoch, view.log_end_offset);
  // UnifiedLog.endOffsetForEpoch: an undefined end offset is reported as no answer (-1, -1).
  if (e.end_offset == kUndefinedEpochOffset) return OffsetForLeaderEpochAnswer{};
  return OffsetForLeaderEpochAnswer{0, e.epoch, e.end_offset};
}

Result<std::optional<DivergingEpoch>> check_fetch_divergence(const LeaderLogView& view,
                                                             int32_t current_leader_epoch, int64_t fetch_offset,
                                                             int32_t last_fetched_epoch) {
  if (last_fetched_epoch == kUndefinedEpoch) return std::optional<DivergingEpoch>{};
  OffsetForLeaderEpochAnswer a =
      offset_for_leader_epoch(view, current_leader_epoch, last_fetched_epoch, /*require_leader=*/false);
  if (a.error_code != 0) {
    return Error{a.error_code, fmt::format("epoch check failed for last fetched epoch {}", last_fetched_epoch)};
  }
  if (a.end_offset == kUndefinedEpochOffset || a.leader_epoch == kUndefinedEpoch) {
    return model::make_error(ErrorCode::OFFSET_OUT_OF_RANGE,
                             fmt::format("could not determine the end offset of last fetched epoch {}",
                                         last_fetched_epoch));
  }
  if (fetch_offset < view.log_start_offset) {
    return model::make_error(ErrorCode::OFFSET_OUT_OF_RANGE,
                             fmt::format("fetch offset {} is below the log start offset {}", fetch_offset,
                                         view.log_start_offset));
  }
  if (a.leader_epoch < last_fetched_epoch || a.end_offset < fetch_offset) {
    return std::optional<DivergingEpoch>{DivergingEpoch{a.leader_epoch, a.end_offset}};
  }
  return std::optional<DivergingEpoch>{};
}

}  // namespace gregor::replication
