#include "coordinator/group/group_manager.h"

#include <algorithm>
#include <utility>

namespace gregor::group {

GroupManager::GroupManager(GroupConfig config, uint64_t member_id_seed)
    : config_(config), seed_(member_id_seed) {}

Group* GroupManager::find(const std::string& group_id) {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}
const Group* GroupManager::find(const std::string& group_id) const {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

Group& GroupManager::create(const std::string& group_id, int64_t now_ms) {
  auto& slot = groups_[group_id];
  if (!slot) slot = std::make_unique<Group>(group_id, config_, now_ms, seed_ ^ std::hash<std::string>{}(group_id));
  return *slot;
}

void GroupManager::drain(Group& g) {
  for (auto& c : g.take_completions()) outbox_.push_back(std::move(c));
}

std::optional<JoinResponse> GroupManager::join(const std::string& group_id, const JoinRequest& req, int64_t now_ms) {
  Group* g = find(group_id);
  if (!g) {
    if (!req.member_id.empty()) {
      bool bad_timeout = req.session_timeout_ms < config_.min_session_timeout_ms ||
                         req.session_timeout_ms > config_.max_session_timeout_ms;
      JoinResponse r;
      r.error = bad_timeout ? ErrorCode::INVALID_SESSION_TIMEOUT : ErrorCode::UNKNOWN_MEMBER_ID;
      r.member_id = req.member_id;
      return r;
    }
    g = &create(group_id, now_ms);
  }
  auto r = g->join(req, now_ms);
  drain(*g);
  return r;
}

std::optional<SyncResponse> GroupManager::sync(const std::string& group_id, const SyncRequest& req, int64_t now_ms) {
  Group* g = find(group_id);
  if (!g) return SyncResponse{ErrorCode::UNKNOWN_MEMBER_ID, {}, {}, {}};
  auto r = g->sync(req, now_ms);
  drain(*g);
  return r;
}

ErrorCode GroupManager::heartbeat(const std::string& group_id, const HeartbeatRequest& req, int64_t now_ms) {
  Group* g = find(group_id);
  return g ? g->heartbeat(req, now_ms) : ErrorCode::UNKNOWN_MEMBER_ID;
}

LeaveResponse GroupManager::leave(const std::string& group_id, const std::vector<LeavingMember>& members,
                                  int64_t now_ms) {
  Group* g = find(group_id);
  if (!g) return LeaveResponse{ErrorCode::NONE, std::vector<ErrorCode>(members.size(), ErrorCode::UNKNOWN_MEMBER_ID)};
  auto r = g->leave(members, now_ms);
  drain(*g);
  return r;
}

std::vector<PartitionResult> GroupManager::commit_offsets(const OffsetCommitRequest& req, int64_t now_ms) {
  ErrorCode error = ErrorCode::NONE;
  Group* g = find(req.group_id);
  if (!g) {
    if (req.generation_id < 0) {
      g = &create(req.group_id, now_ms);  // a simple group: offsets only, no protocol type
    } else {
      error = req.api_version >= 9 ? ErrorCode::GROUP_ID_NOT_FOUND : ErrorCode::ILLEGAL_GENERATION;
    }
  }
  if (g && error == ErrorCode::NONE) error = g->validate_offset_commit(req.member_id, req.group_instance_id, req.generation_id);
  std::vector<PartitionResult> out;
  for (const auto& p : req.partitions) {
    ErrorCode e = error;
    if (e == ErrorCode::NONE && p.metadata.size() > static_cast<size_t>(config_.offset_metadata_max_bytes)) {
      e = ErrorCode::OFFSET_METADATA_TOO_LARGE;
    }
    if (e == ErrorCode::NONE) {
      CommittedOffset c{p.offset, p.leader_epoch, p.metadata, now_ms, std::nullopt};
      if (req.retention_ms && *req.retention_ms >= 0) c.expire_timestamp_ms = now_ms + *req.retention_ms;
      offsets_.put(req.group_id, p.tp, std::move(c));
    }
    out.push_back(PartitionResult{p.tp, e});
  }
  return out;
}

std::vector<PartitionResult> GroupManager::txn_commit_offsets(const TxnOffsetCommitRequest& req, int64_t now_ms) {
  ErrorCode error = ErrorCode::NONE;
  Group* g = find(req.group_id);
  if (!g) {
    if (req.generation_id < 0) g = &create(req.group_id, now_ms);
    else error = ErrorCode::ILLEGAL_GENERATION;
  }
  if (g && error == ErrorCode::NONE) {
    error = g->validate_txn_offset_commit(req.member_id, req.group_instance_id, req.generation_id);
  }
  std::vector<PartitionResult> out;
  for (const auto& p : req.partitions) {
    ErrorCode e = error;
    if (e == ErrorCode::NONE && p.metadata.size() > static_cast<size_t>(config_.offset_metadata_max_bytes))
      e = ErrorCode::OFFSET_METADATA_TOO_LARGE;
    if (e == ErrorCode::NONE)
      pending_txn_.put(req.producer_id, req.group_id, p.tp, CommittedOffset{p.offset, p.leader_epoch, p.metadata, now_ms, std::nullopt});
    out.push_back(PartitionResult{p.tp, e});
  }
  return out;
}

size_t GroupManager::complete_txn(int64_t producer_id, bool commit, bool loading) {
  auto pending = pending_txn_.take(producer_id);
  if (!commit) return 0;
  for (auto& p : pending) {
    // (While loading, finish_load() makes groups of the offsets.)
    if (!loading && !find(p.group_id)) create(p.group_id, p.offset.commit_timestamp_ms);
    offsets_.put(p.group_id, p.tp, std::move(p.offset));
  }
  return pending.size();
}

std::vector<FetchedOffset> GroupManager::fetch_offsets(const std::string& group_id,
                                                       const std::optional<std::vector<TopicPartition>>& partitions,
                                                       bool require_stable) const {
  std::vector<FetchedOffset> out;
  auto emit = [&](const TopicPartition& tp, const CommittedOffset* c) {
    FetchedOffset f;
    f.tp = tp;
    if (require_stable && pending_txn_.pending(group_id, tp)) {
      f.error = ErrorCode::UNSTABLE_OFFSET_COMMIT;
    } else if (c) {
      f.offset = c->offset;
      f.leader_epoch = c->leader_epoch;
      f.metadata = c->metadata;
    }
    out.push_back(std::move(f));
  };
  if (partitions) {
    for (const auto& tp : *partitions) emit(tp, offsets_.get(group_id, tp));
  } else {
    for (const auto& [tp, c] : offsets_.all(group_id)) emit(tp, &c);
  }
  return out;
}

OffsetDeleteResult GroupManager::delete_offsets(const std::string& group_id, const std::vector<TopicPartition>& partitions) {
  OffsetDeleteResult out;
  const Group* g = find(group_id);
  if (!g || g->state() == GroupState::kDead) {
    out.error = ErrorCode::GROUP_ID_NOT_FOUND;
    return out;
  }
  bool empty = g->state() == GroupState::kEmpty;
  if (!empty && g->protocol_type() != "consumer") {
    out.error = ErrorCode::NON_EMPTY_GROUP;
    return out;
  }
  for (const auto& tp : partitions) {
    if (!empty && g->is_subscribed_to(tp.topic)) {
      out.partitions.push_back(PartitionResult{tp, ErrorCode::GROUP_SUBSCRIBED_TO_TOPIC});
      continue;
    }
    offsets_.erase(group_id, tp);
    pending_txn_.erase_all(group_id, tp);
    out.partitions.push_back(PartitionResult{tp, ErrorCode::NONE});
  }
  return out;
}

std::vector<ErrorCode> GroupManager::delete_groups(const std::vector<std::string>& group_ids, int64_t now_ms) {
  std::vector<ErrorCode> out;
  for (const auto& id : group_ids) {
    Group* g = find(id);
    if (!g || g->state() == GroupState::kDead) {
      out.push_back(ErrorCode::GROUP_ID_NOT_FOUND);
    } else if (g->state() != GroupState::kEmpty) {
      out.push_back(ErrorCode::NON_EMPTY_GROUP);
    } else {
      g->mark_dead(now_ms);
      offsets_.erase_group(id);
      pending_txn_.erase_group(id);
      groups_.erase(id);
      out.push_back(ErrorCode::NONE);
    }
  }
  return out;
}

GroupDescription GroupManager::describe(const std::string& group_id) const {
  const Group* g = find(group_id);
  if (g) return g->describe();
  GroupDescription d;
  d.group_id = group_id;
  d.state = std::string(state_name(GroupState::kDead));
  return d;
}

std::vector<GroupListing> GroupManager::list(const std::vector<std::string>& states) const {
  std::vector<GroupListing> out;
  for (const auto& [id, g] : groups_) {
    if (!states.empty()) {
      bool match = std::any_of(states.begin(), states.end(),
                               [&](const std::string& s) { return parse_state(s) == g->state(); });
      if (!match) continue;
    }
    out.push_back(GroupListing{id, g->protocol_type().value_or(""), std::string(state_name(g->state()))});
  }
  return out;
}

// Kafka's offset expiration conditions for classic groups:
//  - no protocol type (simple group): retention counts from each offset's commit time;
//  - Empty: retention counts from when the group became Empty;
//  - Stable consumer group with known subscriptions: offsets of topics nobody subscribes to,
//    from their commit time.
// An explicit expire timestamp (old OffsetCommit versions) wins over retention. An Empty group
// left with no offsets is deleted.
std::vector<std::string> GroupManager::expire_offsets(int64_t now_ms) {
  std::vector<std::string> deleted;
  const int64_t retention = config_.offsets_retention_ms;
  for (const auto& id : offsets_.group_ids()) {
    const Group* g = find(id);
    auto expired_since = [&](const CommittedOffset& c, int64_t base) {
      if (c.expire_timestamp_ms) return now_ms >= *c.expire_timestamp_ms;
      return now_ms - base >= retention;
    };
    auto note = [&](const std::vector<TopicPartition>& removed) {
      for (const auto& tp : removed) expired_offsets_.emplace_back(id, tp);
    };
    if (!g || !g->protocol_type()) {
      note(offsets_.remove_if(id, [&](const TopicPartition&, const CommittedOffset& c) {
        return expired_since(c, c.commit_timestamp_ms);
      }));
    } else if (g->state() == GroupState::kEmpty) {
      note(offsets_.remove_if(id, [&](const TopicPartition&, const CommittedOffset& c) {
        return expired_since(c, g->state_timestamp_ms());
      }));
    } else if (g->state() == GroupState::kStable && g->protocol_type() == "consumer" && g->subscribed_topics()) {
      note(offsets_.remove_if(id, [&](const TopicPartition& tp, const CommittedOffset& c) {
        return !g->is_subscribed_to(tp.topic) && expired_since(c, c.commit_timestamp_ms);
      }));
    }
  }
  for (auto it = groups_.begin(); it != groups_.end();) {
    Group& g = *it->second;
    if (g.state() == GroupState::kEmpty && !offsets_.has_offsets(it->first)) {
      g.mark_dead(now_ms);
      deleted.push_back(it->first);
      it = groups_.erase(it);
    } else {
      ++it;
    }
  }
  return deleted;
}

std::vector<std::string> GroupManager::tick(int64_t now_ms) {
  for (auto& [id, g] : groups_) {
    g->tick(now_ms);
    drain(*g);
  }
  if (now_ms < next_expiry_check_ms_) return {};
  next_expiry_check_ms_ = now_ms + config_.offsets_retention_check_interval_ms;
  return expire_offsets(now_ms);
}

std::vector<Completion> GroupManager::take_completions() { return std::exchange(outbox_, {}); }

std::vector<std::pair<std::string, TopicPartition>> GroupManager::take_expired_offsets() {
  return std::exchange(expired_offsets_, {});
}

void GroupManager::load_offset(const std::string& group_id, const TopicPartition& tp,
                               std::optional<CommittedOffset> offset) {
  if (offset) {
    offsets_.put(group_id, tp, std::move(*offset));
  } else {
    offsets_.erase(group_id, tp);
  }
}

void GroupManager::load_group(const std::string& group_id, std::optional<GroupMetadata> metadata) {
  loading_groups_[group_id] = std::move(metadata);
}

std::vector<std::string> GroupManager::finish_load(int64_t now_ms) {
  std::vector<std::string> loaded;
  for (auto& [id, md] : loading_groups_) {
    if (!md) {
      // A tombstone: the group was deleted. Offsets written after it (a new simple group) stay.
      continue;
    }
    Group& g = create(id, now_ms);
    std::vector<Member> members;
    for (auto& mm : md->members) {
      Member m;
      m.member_id = mm.member_id;
      m.group_instance_id = mm.group_instance_id;
      m.client_id = mm.client_id;
      m.client_host = mm.client_host;
      m.session_timeout_ms = mm.session_timeout_ms;
      m.rebalance_timeout_ms = mm.rebalance_timeout_ms;
      m.protocol_type = md->protocol_type;
      if (md->protocol_name) m.protocols.push_back(Protocol{*md->protocol_name, std::move(mm.subscription)});
      m.assignment = std::move(mm.assignment);
      members.push_back(std::move(m));
    }
    std::optional<std::string> type;
    if (!md->protocol_type.empty()) type = md->protocol_type;
    g.load(md->generation_id, type, md->protocol_name, md->leader, md->current_state_timestamp_ms, std::move(members),
           now_ms);
    loaded.push_back(id);
  }
  loading_groups_.clear();
  for (const auto& id : offsets_.group_ids()) {
    if (!find(id)) {
      create(id, now_ms);
      loaded.push_back(id);
    }
  }
  return loaded;
}

GroupMetadata GroupManager::to_metadata(const Group& g) {
  GroupMetadata md;
  md.protocol_type = g.protocol_type().value_or("");
  md.generation_id = g.generation_id();
  md.protocol_name = g.protocol_name();
  md.leader = g.leader_id();
  md.current_state_timestamp_ms = g.state_timestamp_ms();
  for (const auto& m : g.members()) {
    MemberMetadata mm;
    mm.member_id = m.member_id;
    mm.group_instance_id = m.group_instance_id;
    mm.client_id = m.client_id;
    mm.client_host = m.client_host;
    mm.rebalance_timeout_ms = m.rebalance_timeout_ms;
    mm.session_timeout_ms = m.session_timeout_ms;
    if (g.protocol_name()) {
      if (const Bytes* b = m.metadata(*g.protocol_name())) mm.subscription = *b;
    }
    mm.assignment = m.assignment;
    md.members.push_back(std::move(mm));
  }
  return md;
}

std::vector<std::string> GroupManager::group_ids() const {
  std::vector<std::string> out;
  for (const auto& [id, g] : groups_) out.push_back(id);
  return out;
}

void GroupManager::restore_offset(const std::string& group_id, const TopicPartition& tp,
                                  const std::optional<CommittedOffset>& c) {
  if (c) {
    offsets_.put(group_id, tp, *c);
  } else {
    offsets_.erase(group_id, tp);
  }
}

}  // namespace gregor::group
