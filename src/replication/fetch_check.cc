#include "replication/fetch_check.h"

#include <fmt/format.h>

#include "model/error_code.h"

namespace gregor::replication {

using model::ErrorCode;

Status check_current_leader_epoch(int32_t local_leader_epoch, int32_t request_epoch) {
  if (request_epoch == kNoLeaderEpoch) return Status::OK();
  if (request_epoch < local_leader_epoch) {
    return model::make_error(ErrorCode::FENCED_LEADER_EPOCH,
                             fmt::format("request leader epoch {} is older than the current {}", request_epoch,
                                         local_leader_epoch));
  }
  if (request_epoch > local_leader_epoch) {
    return model::make_error(ErrorCode::UNKNOWN_LEADER_EPOCH,
                             fmt::format("request leader epoch {} is newer than the current {}", request_epoch,
                                         local_leader_epoch));
  }
  return Status::OK();
}

Status check_leader_request(const LocalPartitionView& local, int32_t request_epoch) {
  if (Status s = check_current_leader_epoch(local.leader_epoch, request_epoch); !s.ok()) return s;
  if (!local.is_leader) {
    return model::make_error(ErrorCode::NOT_LEADER_OR_FOLLOWER, "this broker is not the partition leader");
  }
  return Status::OK();
}

Status check_follower_fetch(const LocalPartitionView& local, int32_t request_epoch, int32_t replica_id,
                            bool replica_assigned) {
  if (Status s = check_leader_request(local, request_epoch); !s.ok()) return s;
  if (!replica_assigned) {
    ErrorCode code =
        request_epoch != kNoLeaderEpoch ? ErrorCode::UNKNOWN_LEADER_EPOCH : ErrorCode::NOT_LEADER_OR_FOLLOWER;
    return model::make_error(code, fmt::format("replica {} is not a replica of the partition in leader epoch {}",
                                               replica_id, local.leader_epoch));
  }
  return Status::OK();
}

}  // namespace gregor::replication
