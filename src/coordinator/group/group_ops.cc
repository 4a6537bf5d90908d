// Group: SyncGroup, Heartbeat, LeaveGroup, timers (tick), offset-commit validation, views.
#include <algorithm>

#include "base/assert.h"
#include "coordinator/group/group.h"

namespace gregor::group {

namespace {
SyncResponse sync_error(ErrorCode e) {
  SyncResponse r;
  r.error = e;
  return r;
}
}  // namespace

std::optional<SyncResponse> Group::sync(const SyncRequest& req, int64_t now_ms) {
  if (state_ == GroupState::kDead) return sync_error(ErrorCode::COORDINATOR_NOT_AVAILABLE);
  if (ErrorCode e = validate_member(req.member_id, req.group_instance_id); e != ErrorCode::NONE) return sync_error(e);
  if (req.generation_id != generation_id_) return sync_error(ErrorCode::ILLEGAL_GENERATION);
  if ((req.protocol_type && req.protocol_type != protocol_type_) ||
      (req.protocol_name && req.protocol_name != protocol_name_)) {
    return sync_error(ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
  }
  Member& m = *find(req.member_id);
  switch (state_) {
    case GroupState::kEmpty: return sync_error(ErrorCode::UNKNOWN_MEMBER_ID);
    case GroupState::kPreparingRebalance: return sync_error(ErrorCode::REBALANCE_IN_PROGRESS);
    case GroupState::kCompletingRebalance:
      if (m.sync_token) complete_sync_token(m, sync_error(ErrorCode::REBALANCE_IN_PROGRESS));  // superseded
      m.sync_token = req.token;
      pending_sync_members_.erase(m.member_id);
      if (leader_id_ == m.member_id) {
        // Members the leader left out get an empty assignment; unknown ids are ignored.
        for (auto& member : members_) {
          auto it = req.assignments.find(member.member_id);
          member.assignment = it == req.assignments.end() ? Bytes{} : it->second;
        }
        ++persisted_version_;
        transition(GroupState::kStable, now_ms);
        propagate_assignment(ErrorCode::NONE, now_ms);
      }
      return std::nullopt;
    case GroupState::kStable: {
      pending_sync_members_.erase(m.member_id);
      if (pending_sync_members_.empty()) sync_deadline_ms_ = kNoDeadline;
      SyncResponse r;
      r.protocol_type = protocol_type_;
      r.protocol_name = protocol_name_;
      r.assignment = m.assignment;
      return r;
    }
    case GroupState::kDead: break;
  }
  return sync_error(ErrorCode::COORDINATOR_NOT_AVAILABLE);
}

ErrorCode Group::heartbeat(const HeartbeatRequest& req, int64_t now_ms) {
  if (state_ == GroupState::kDead) return ErrorCode::COORDINATOR_NOT_AVAILABLE;
  if (ErrorCode e = validate_member(req.member_id, req.group_instance_id); e != ErrorCode::NONE) return e;
  if (req.generation_id != generation_id_) return ErrorCode::ILLEGAL_GENERATION;
  if (state_ == GroupState::kEmpty) return ErrorCode::UNKNOWN_MEMBER_ID;
  Member& m = *find(req.member_id);
  m.heartbeat_deadline_ms = now_ms + m.session_timeout_ms;
  return state_ == GroupState::kPreparingRebalance ? ErrorCode::REBALANCE_IN_PROGRESS : ErrorCode::NONE;
}

LeaveResponse Group::leave(const std::vector<LeavingMember>& leaving, int64_t now_ms) {
  LeaveResponse out;
  if (state_ == GroupState::kDead) {
    out.error = ErrorCode::COORDINATOR_NOT_AVAILABLE;
    return out;
  }
  for (const auto& lm : leaving) {
    ErrorCode e = ErrorCode::NONE;
    if (lm.member_id.empty()) {
      // Administrative removal of a static member by instance id.
      auto id = lm.group_instance_id ? static_member_id(*lm.group_instance_id) : std::nullopt;
      if (id) {
        remove_member_and_update(*id, now_ms);
      } else {
        e = ErrorCode::UNKNOWN_MEMBER_ID;
      }
    } else if (is_pending_member(lm.member_id)) {
      remove_pending_member_and_update(lm.member_id, now_ms);
    } else {
      e = validate_member(lm.member_id, lm.group_instance_id);
      if (e == ErrorCode::NONE) remove_member_and_update(lm.member_id, now_ms);
    }
    out.member_errors.push_back(e);
  }
  return out;
}

void Group::remove_member_and_update(const std::string& member_id, int64_t now_ms) {
  Member* m = find(member_id);
  GREGOR_ASSERT(m != nullptr);
  JoinResponse jr;
  jr.error = ErrorCode::UNKNOWN_MEMBER_ID;
  complete_join_token(*m, std::move(jr));
  complete_sync_token(*m, sync_error(ErrorCode::UNKNOWN_MEMBER_ID));
  remove_member(member_id);
  if (state_ == GroupState::kStable || state_ == GroupState::kCompletingRebalance) {
    maybe_prepare_rebalance_or_complete_join(now_ms);
  } else if (state_ == GroupState::kPreparingRebalance && has_all_members_joined()) {
    complete_join(now_ms);
  }
}

void Group::remove_pending_member_and_update(const std::string& member_id, int64_t now_ms) {
  remove_member(member_id);
  if (state_ == GroupState::kPreparingRebalance && has_all_members_joined()) complete_join(now_ms);
}

void Group::expire_pending_sync(int64_t now_ms) {
  sync_deadline_ms_ = kNoDeadline;
  if (state_ != GroupState::kCompletingRebalance && state_ != GroupState::kStable) return;
  if (pending_sync_members_.empty()) return;
  std::vector<std::string> laggards(pending_sync_members_.begin(), pending_sync_members_.end());
  for (const auto& id : laggards) {
    if (Member* m = find(id)) {
      JoinResponse jr;
      jr.error = ErrorCode::UNKNOWN_MEMBER_ID;
      complete_join_token(*m, std::move(jr));
      complete_sync_token(*m, sync_error(ErrorCode::UNKNOWN_MEMBER_ID));
    }
    remove_member(id);
  }
  prepare_rebalance(now_ms);
}

int64_t Group::next_deadline_ms() const {
  int64_t t = std::min(join_deadline_ms_, sync_deadline_ms_);
  for (const auto& p : pending_members_) t = std::min(t, p.second);
  for (const auto& m : members_) t = std::min(t, m.heartbeat_deadline_ms);
  return t;
}

// Fires deadlines one at a time in time order, each handled at its own deadline, so the
// outcome does not depend on how often the caller ticks.
void Group::tick(int64_t now_ms) {
  for (size_t guard = 0;; ++guard) {
    GREGOR_ASSERT_MSG(guard < 1000000, "group timers do not converge");
    int64_t t = next_deadline_ms();
    if (t > now_ms || state_ == GroupState::kDead) return;
    if (join_deadline_ms_ == t) {
      join_deadline_ms_ = kNoDeadline;
      on_join_deadline(t);
      continue;
    }
    if (sync_deadline_ms_ == t) {
      expire_pending_sync(t);
      continue;
    }
    auto pit = std::find_if(pending_members_.begin(), pending_members_.end(),
                            [&](const auto& p) { return p.second == t; });
    if (pit != pending_members_.end()) {
      std::string id = pit->first;
      remove_pending_member_and_update(id, t);
      continue;
    }
    auto mit = std::find_if(members_.begin(), members_.end(),
                            [&](const Member& m) { return m.heartbeat_deadline_ms == t; });
    GREGOR_ASSERT(mit != members_.end());
    if (mit->is_new || (!mit->awaiting_join() && !mit->awaiting_sync())) {
      std::string id = mit->member_id;
      remove_member_and_update(id, t);
    } else {
      mit->heartbeat_deadline_ms = kNoDeadline;  // re-armed when its join or sync completes
    }
  }
}

ErrorCode Group::validate_offset_commit(const std::string& member_id, const std::optional<std::string>& instance_id,
                                        int32_t generation_id) const {
  if (state_ == GroupState::kDead) return ErrorCode::COORDINATOR_NOT_AVAILABLE;
  if (generation_id < 0 && state_ == GroupState::kEmpty) return ErrorCode::NONE;  // simple consumer / admin
  if (generation_id >= 0 || !member_id.empty() || instance_id) {
    if (ErrorCode e = validate_member(member_id, instance_id); e != ErrorCode::NONE) return e;
    if (generation_id != generation_id_) return ErrorCode::ILLEGAL_GENERATION;
  } else if (state_ != GroupState::kEmpty) {
    return ErrorCode::UNKNOWN_MEMBER_ID;
  }
  if (state_ == GroupState::kCompletingRebalance) return ErrorCode::REBALANCE_IN_PROGRESS;
  return ErrorCode::NONE;
}

ErrorCode Group::validate_txn_offset_commit(const std::string& member_id,
                                            const std::optional<std::string>& instance_id,
                                            int32_t generation_id) const {
  if (state_ == GroupState::kDead) return ErrorCode::COORDINATOR_NOT_AVAILABLE;
  if (generation_id < 0 && member_id.empty() && !instance_id) return ErrorCode::NONE;  // v0-v2 requests
  if (ErrorCode e = validate_member(member_id, instance_id); e != ErrorCode::NONE) return e;
  return generation_id == generation_id_ ? ErrorCode::NONE : ErrorCode::ILLEGAL_GENERATION;
}

void Group::mark_dead(int64_t now_ms) {
  GREGOR_ASSERT(state_ == GroupState::kEmpty && members_.empty());
  pending_members_.clear();
  join_deadline_ms_ = sync_deadline_ms_ = kNoDeadline;
  transition(GroupState::kDead, now_ms);
}

GroupDescription Group::describe() const {
  GroupDescription d;
  d.group_id = id_;
  d.state = std::string(state_name(state_));
  d.protocol_type = protocol_type_.value_or("");
  bool stable = state_ == GroupState::kStable;
  if (stable) d.protocol_name = protocol_name_.value_or("");
  for (const auto& m : members_) {
    MemberDescription md{m.member_id, m.group_instance_id, m.client_id, m.client_host, {}, {}};
    if (stable && protocol_name_) {
      if (const Bytes* b = m.metadata(*protocol_name_)) md.metadata = *b;
      md.assignment = m.assignment;
    }
    d.members.push_back(std::move(md));
  }
  return d;
}

void Group::load(int32_t generation_id, std::optional<std::string> protocol_type,
                 std::optional<std::string> protocol_name, std::optional<std::string> leader,
                 int64_t state_timestamp_ms, std::vector<Member> members, int64_t now_ms) {
  GREGOR_ASSERT(state_ == GroupState::kEmpty && members_.empty());
  generation_id_ = generation_id;
  protocol_type_ = std::move(protocol_type);
  protocol_name_ = std::move(protocol_name);
  leader_id_ = std::move(leader);
  members_ = std::move(members);
  for (auto& m : members_) {
    m.join_token.reset();
    m.sync_token.reset();
    m.is_new = false;
    m.heartbeat_deadline_ms = now_ms + m.session_timeout_ms;
  }
  subscribed_topics_ = compute_subscribed_topics();
  if (!members_.empty()) {
    previous_state_ = GroupState::kCompletingRebalance;
    state_ = GroupState::kStable;
  }
  state_timestamp_ms_ = state_timestamp_ms >= 0 ? state_timestamp_ms : now_ms;
}

}  // namespace gregor::group
