// Group: JoinGroup and the rebalance machinery (prepare, join phase, next generation).
#include "coordinator/group/group.h"

#include <algorithm>

#include "base/assert.h"

namespace gregor::group {

namespace {
JoinResponse join_error(ErrorCode e, std::string member_id) {
  JoinResponse r;
  r.error = e;
  r.member_id = std::move(member_id);
  return r;
}
}  // namespace

Group::Group(std::string group_id, const GroupConfig& config, int64_t now_ms, uint64_t member_id_seed)
    : id_(std::move(group_id)), config_(config), state_timestamp_ms_(now_ms), member_id_seed_(member_id_seed) {}

std::optional<JoinResponse> Group::join(const JoinRequest& req, int64_t now_ms) {
  if (req.session_timeout_ms < config_.min_session_timeout_ms ||
      req.session_timeout_ms > config_.max_session_timeout_ms) {
    return join_error(ErrorCode::INVALID_SESSION_TIMEOUT, req.member_id);
  }
  if (!accept_joining_member(req.member_id)) {
    // Kafka removes an existing member that is turned away (the group is over capacity).
    if (Member* m = find(req.member_id)) {
      complete_join_token(*m, join_error(ErrorCode::GROUP_MAX_SIZE_REACHED, req.member_id));
      complete_sync_token(*m, SyncResponse{ErrorCode::GROUP_MAX_SIZE_REACHED, {}, {}, {}});
      remove_member(req.member_id);
      if (state_ == GroupState::kPreparingRebalance && has_all_members_joined()) complete_join(now_ms);
    }
    return join_error(ErrorCode::GROUP_MAX_SIZE_REACHED, req.member_id);
  }
  auto resp = req.member_id.empty() ? join_new_member(req, now_ms) : join_existing_member(req, now_ms);
  return resp;
}

std::optional<JoinResponse> Group::join_new_member(const JoinRequest& req, int64_t now_ms) {
  if (state_ == GroupState::kDead) return join_error(ErrorCode::COORDINATOR_NOT_AVAILABLE, req.member_id);
  if (!supports_protocols(req.protocol_type, req.protocols)) {
    return join_error(ErrorCode::INCONSISTENT_GROUP_PROTOCOL, req.member_id);
  }
  std::string id = new_member_id(req.client_id);
  if (req.group_instance_id) {
    if (auto old = static_member_id(*req.group_instance_id)) return update_static_member(req, *old, id, now_ms);
    return add_member_and_rebalance(req, id, now_ms);
  }
  if (req.require_known_member_id) {
    pending_members_.emplace_back(id, now_ms + req.session_timeout_ms);
    return join_error(ErrorCode::MEMBER_ID_REQUIRED, id);
  }
  return add_member_and_rebalance(req, id, now_ms);
}

std::optional<JoinResponse> Group::join_existing_member(const JoinRequest& req, int64_t now_ms) {
  const std::string& id = req.member_id;
  if (state_ == GroupState::kDead) return join_error(ErrorCode::COORDINATOR_NOT_AVAILABLE, id);
  if (!supports_protocols(req.protocol_type, req.protocols)) {
    return join_error(ErrorCode::INCONSISTENT_GROUP_PROTOCOL, id);
  }
  if (is_pending_member(id)) {
    // A pending member is never static (static members skip MEMBER_ID_REQUIRED); Kafka treats a
    // static one here as a bug, Gregor as an unknown member.
    if (req.group_instance_id) return join_error(ErrorCode::UNKNOWN_MEMBER_ID, id);
    return add_member_and_rebalance(req, id, now_ms);
  }
  if (ErrorCode e = validate_member(id, req.group_instance_id); e != ErrorCode::NONE) return join_error(e, id);
  Member& m = *find(id);
  switch (state_) {
    case GroupState::kPreparingRebalance:
      update_member(m, req);
      park_join(m, req.token);
      maybe_prepare_rebalance_or_complete_join(now_ms);
      return std::nullopt;
    case GroupState::kCompletingRebalance:
      if (m.matches(req.protocols)) return current_join_response(m);  // a retried join
      update_member(m, req);
      park_join(m, req.token);
      maybe_prepare_rebalance_or_complete_join(now_ms);
      return std::nullopt;
    case GroupState::kStable:
      if (leader_id_ == id || !m.matches(req.protocols)) {  // the leader's join forces a rebalance
        update_member(m, req);
        park_join(m, req.token);
        maybe_prepare_rebalance_or_complete_join(now_ms);
        return std::nullopt;
      }
      return current_join_response(m);
    case GroupState::kEmpty:
    case GroupState::kDead: break;
  }
  return join_error(ErrorCode::UNKNOWN_MEMBER_ID, id);
}

JoinResponse Group::current_join_response(const Member& m) const {
  JoinResponse r;
  r.member_id = m.member_id;
  r.generation_id = generation_id_;
  r.protocol_type = protocol_type_;
  r.protocol_name = protocol_name_;
  r.leader = leader_id_.value_or("");
  if (leader_id_ == m.member_id) r.members = current_members_for_leader();
  return r;
}

std::optional<JoinResponse> Group::add_member_and_rebalance(const JoinRequest& req, const std::string& id,
                                                            int64_t now_ms) {
  Member m;
  m.member_id = id;
  m.group_instance_id = req.group_instance_id;
  m.client_id = req.client_id;
  m.client_host = req.client_host;
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms = req.rebalance_timeout_ms;
  m.protocol_type = req.protocol_type;
  m.protocols = req.protocols;
  m.is_new = true;
  m.join_token = req.token;
  // New members cannot heartbeat yet; they expire after Kafka's new-member join timeout.
  m.heartbeat_deadline_ms = now_ms + config_.new_member_join_timeout_ms;
  if (state_ == GroupState::kPreparingRebalance && previous_state_ == GroupState::kEmpty) new_member_added_ = true;
  add_member(std::move(m));
  maybe_prepare_rebalance_or_complete_join(now_ms);
  return std::nullopt;
}

// A known group.instance.id joins with an unknown member id: the new id replaces the old one.
std::optional<JoinResponse> Group::update_static_member(const JoinRequest& req, const std::string& old_id,
                                                        const std::string& new_id, int64_t now_ms) {
  std::string current_leader = leader_id_.value_or("");
  replace_static_member(*req.group_instance_id, old_id, new_id);
  Member& m = *find(new_id);
  m.heartbeat_deadline_ms = now_ms + req.session_timeout_ms;
  m.protocols = req.protocols;
  m.rebalance_timeout_ms = req.rebalance_timeout_ms;
  m.session_timeout_ms = req.session_timeout_ms;
  ++persisted_version_;
  switch (state_) {
    case GroupState::kStable:
      if (protocol_name_ == select_protocol()) {
        // No rebalance: the member gets the current generation and, on sync, its old assignment.
        JoinResponse r;
        r.member_id = new_id;
        r.generation_id = generation_id_;
        r.protocol_type = protocol_type_;
        r.protocol_name = protocol_name_;
        if (req.supports_skip_assignment) {
          bool is_leader = leader_id_ == new_id;
          r.leader = leader_id_.value_or("");
          r.skip_assignment = is_leader;
          if (is_leader) r.members = current_members_for_leader();
        } else {
          r.leader = current_leader;  // never the new id, so the member does not assign
        }
        return r;
      }
      park_join(m, req.token);
      maybe_prepare_rebalance_or_complete_join(now_ms);
      return std::nullopt;
    case GroupState::kCompletingRebalance:
      park_join(m, req.token);
      prepare_rebalance(now_ms);
      return std::nullopt;
    case GroupState::kPreparingRebalance:
      park_join(m, req.token);
      maybe_complete_join_phase(now_ms);
      return std::nullopt;
    case GroupState::kEmpty:
    case GroupState::kDead: break;
  }
  GREGOR_ASSERT_MSG(false, "static member replaced in an Empty or Dead group");
  return std::nullopt;
}

void Group::update_member(Member& m, const JoinRequest& req) {
  m.protocols = req.protocols;
  m.rebalance_timeout_ms = req.rebalance_timeout_ms;
  m.session_timeout_ms = req.session_timeout_ms;
}

// A member parks its JoinGroup. A retry while one is parked supersedes it; the older request
// is answered REBALANCE_IN_PROGRESS (Kafka drops it silently) so every token gets an answer.
void Group::park_join(Member& m, uint64_t token) {
  if (m.join_token) {
    complete_join_token(m, join_error(ErrorCode::REBALANCE_IN_PROGRESS, m.member_id));
  }
  m.join_token = token;
}

void Group::maybe_prepare_rebalance_or_complete_join(int64_t now_ms) {
  if (can_transition(state_, GroupState::kPreparingRebalance)) {
    prepare_rebalance(now_ms);
  } else {
    maybe_complete_join_phase(now_ms);
  }
}

void Group::prepare_rebalance(int64_t now_ms) {
  if (state_ == GroupState::kCompletingRebalance) {
    for (auto& m : members_) m.assignment.clear();
    propagate_assignment(ErrorCode::REBALANCE_IN_PROGRESS, now_ms);
  }
  pending_sync_members_.clear();
  sync_deadline_ms_ = kNoDeadline;
  bool initial = state_ == GroupState::kEmpty;
  transition(GroupState::kPreparingRebalance, now_ms);
  if (initial) {
    initial_delay_ = true;
    new_member_added_ = false;
    initial_delay_ms_ = config_.initial_rebalance_delay_ms;
    initial_remaining_ms_ = std::max(rebalance_timeout_ms() - config_.initial_rebalance_delay_ms, 0);
    join_deadline_ms_ = now_ms + initial_delay_ms_;
    if (initial_delay_ms_ == 0) on_join_deadline(now_ms);  // Kafka's timer fires at once
    return;
  }
  initial_delay_ = false;
  if (has_all_members_joined()) {
    complete_join(now_ms);
  } else {
    join_deadline_ms_ = now_ms + rebalance_timeout_ms();
  }
}

// Joins during the initial delay never end the phase early (Kafka: previous state Empty).
void Group::maybe_complete_join_phase(int64_t now_ms) {
  if (state_ == GroupState::kPreparingRebalance && has_all_members_joined() &&
      previous_state_ != GroupState::kEmpty) {
    complete_join(now_ms);
  }
}

void Group::on_join_deadline(int64_t now_ms) {
  if (initial_delay_ && new_member_added_ && initial_remaining_ms_ != 0) {
    new_member_added_ = false;
    int32_t delay = std::min(config_.initial_rebalance_delay_ms, initial_remaining_ms_);
    initial_remaining_ms_ = std::max(initial_remaining_ms_ - initial_delay_ms_, 0);
    initial_delay_ms_ = delay;
    join_deadline_ms_ = now_ms + delay;
    return;
  }
  complete_join(now_ms);
}

void Group::complete_join(int64_t now_ms) {
  GREGOR_ASSERT(state_ == GroupState::kPreparingRebalance);
  join_deadline_ms_ = kNoDeadline;
  initial_delay_ = false;
  // Dynamic members that did not rejoin in time are dropped; static ones stay until their session expires.
  std::vector<std::string> gone;
  for (const auto& m : members_) {
    if (!m.awaiting_join() && !m.is_static()) gone.push_back(m.member_id);
  }
  for (const auto& id : gone) remove_member(id);

  bool have_leader = false;
  if (leader_id_) {
    if (find(*leader_id_)->awaiting_join()) {
      have_leader = true;
    } else {
      auto it = std::find_if(members_.begin(), members_.end(), [](const Member& m) { return m.awaiting_join(); });
      if (it != members_.end()) {
        leader_id_ = it->member_id;
        have_leader = true;
      }
    }
  }
  if (!have_leader && !members_.empty()) {
    // Nobody rejoined: wait another rebalance timeout for sessions to expire.
    join_deadline_ms_ = now_ms + rebalance_timeout_ms();
    return;
  }
  init_next_generation(now_ms);
  if (state_ == GroupState::kEmpty) return;
  for (auto& m : members_) {
    complete_join_token(m, current_join_response(m));
    m.heartbeat_deadline_ms = now_ms + m.session_timeout_ms;
    m.is_new = false;
    pending_sync_members_.insert(m.member_id);
  }
  sync_deadline_ms_ = now_ms + rebalance_timeout_ms();
}

void Group::init_next_generation(int64_t now_ms) {
  ++generation_id_;
  ++persisted_version_;
  if (!members_.empty()) {
    protocol_name_ = select_protocol();
    subscribed_topics_ = compute_subscribed_topics();
    transition(GroupState::kCompletingRebalance, now_ms);
  } else {
    protocol_name_.reset();
    subscribed_topics_ = compute_subscribed_topics();
    transition(GroupState::kEmpty, now_ms);
  }
  pending_sync_members_.clear();
}

void Group::transition(GroupState to, int64_t now_ms) {
  GREGOR_ASSERT_MSG(can_transition(state_, to), "invalid group state transition");
  previous_state_ = state_;
  state_ = to;
  state_timestamp_ms_ = now_ms;
}

void Group::complete_join_token(Member& m, JoinResponse resp) {
  if (!m.join_token) return;
  outbox_.push_back(Completion{*m.join_token, std::move(resp)});
  m.join_token.reset();
}

void Group::complete_sync_token(Member& m, SyncResponse resp) {
  if (!m.sync_token) return;
  outbox_.push_back(Completion{*m.sync_token, std::move(resp)});
  m.sync_token.reset();
}

// Answers every parked SyncGroup: with its assignment on NONE, with `error` otherwise.
void Group::propagate_assignment(ErrorCode error, int64_t now_ms) {
  for (auto& m : members_) {
    if (!m.sync_token) continue;
    SyncResponse r;
    r.error = error;
    if (error == ErrorCode::NONE) {
      r.protocol_type = protocol_type_;
      r.protocol_name = protocol_name_;
    }
    r.assignment = m.assignment;
    complete_sync_token(m, std::move(r));
    m.heartbeat_deadline_ms = now_ms + m.session_timeout_ms;
  }
}

std::vector<Completion> Group::take_completions() { return std::exchange(outbox_, {}); }

}  // namespace gregor::group
