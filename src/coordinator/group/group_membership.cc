// Group: membership bookkeeping and protocol selection (no state transitions here).
#include <algorithm>
#include <cstdio>
#include <map>

#include "base/assert.h"
#include "base/splitmix.h"
#include "coordinator/group/consumer_protocol.h"
#include "coordinator/group/group.h"

namespace gregor::group {

Member* Group::find(const std::string& member_id) {
  for (auto& m : members_) {
    if (m.member_id == member_id) return &m;
  }
  return nullptr;
}

const Member* Group::member(const std::string& member_id) const {
  for (const auto& m : members_) {
    if (m.member_id == member_id) return &m;
  }
  return nullptr;
}

bool Group::is_pending_member(const std::string& member_id) const {
  return std::any_of(pending_members_.begin(), pending_members_.end(),
                     [&](const auto& p) { return p.first == member_id; });
}

std::optional<std::string> Group::static_member_id(const std::string& instance_id) const {
  for (const auto& m : members_) {
    if (m.group_instance_id == instance_id) return m.member_id;
  }
  return std::nullopt;
}

void Group::add_member(Member m) {
  GREGOR_ASSERT(find(m.member_id) == nullptr);
  if (members_.empty()) protocol_type_ = m.protocol_type;
  if (!leader_id_) leader_id_ = m.member_id;
  std::erase_if(pending_members_, [&](const auto& p) { return p.first == m.member_id; });
  members_.push_back(std::move(m));
}

// Kafka's ClassicGroup.remove: drops the member (or pending member) and elects the first
// remaining member as leader if the leader left. Parked requests are the caller's business.
void Group::remove_member(const std::string& member_id) {
  std::erase_if(pending_members_, [&](const auto& p) { return p.first == member_id; });
  pending_sync_members_.erase(member_id);
  auto it = std::find_if(members_.begin(), members_.end(), [&](const Member& m) { return m.member_id == member_id; });
  if (it == members_.end()) return;
  GREGOR_ASSERT(!it->awaiting_join() && !it->awaiting_sync());
  members_.erase(it);
  if (leader_id_ == member_id) {
    leader_id_ = members_.empty() ? std::nullopt : std::optional<std::string>(members_.front().member_id);
  }
}

void Group::replace_static_member(const std::string& instance_id, const std::string& old_id,
                                  const std::string& new_id) {
  Member* old = find(old_id);
  GREGOR_ASSERT(old != nullptr && old->group_instance_id == instance_id);
  // Fence whoever still waits under the old id.
  JoinResponse fenced_join;
  fenced_join.error = ErrorCode::FENCED_INSTANCE_ID;
  fenced_join.member_id = old_id;
  complete_join_token(*old, fenced_join);
  SyncResponse fenced_sync;
  fenced_sync.error = ErrorCode::FENCED_INSTANCE_ID;
  complete_sync_token(*old, fenced_sync);
  old->member_id = new_id;
  if (leader_id_ == old_id) leader_id_ = new_id;
  if (pending_sync_members_.erase(old_id) > 0) pending_sync_members_.insert(new_id);
}

bool Group::supports_protocols(const std::string& type, const std::vector<Protocol>& protocols) const {
  if (state_ == GroupState::kEmpty) return !type.empty() && !protocols.empty();
  if (protocol_type_ != type) return false;
  for (const auto& p : protocols) {
    bool all = std::all_of(members_.begin(), members_.end(), [&](const Member& m) { return m.metadata(p.name); });
    if (all) return true;
  }
  return false;
}

std::string Group::select_protocol() const {
  GREGOR_ASSERT(!members_.empty());
  std::vector<std::string> candidates;
  for (const auto& p : members_.front().protocols) {
    bool all = std::all_of(members_.begin(), members_.end(), [&](const Member& m) { return m.metadata(p.name); });
    if (all) candidates.push_back(p.name);
  }
  GREGOR_ASSERT_MSG(!candidates.empty(), "members share no protocol");
  std::map<std::string, int> votes;
  std::vector<std::string> first_seen;
  for (const auto& m : members_) {
    for (const auto& p : m.protocols) {
      if (std::find(candidates.begin(), candidates.end(), p.name) == candidates.end()) continue;
      if (votes[p.name]++ == 0) first_seen.push_back(p.name);
      break;
    }
  }
  std::string best;
  int best_votes = -1;
  for (const auto& name : first_seen) {
    if (votes[name] > best_votes) {
      best = name;
      best_votes = votes[name];
    }
  }
  return best;
}

int32_t Group::rebalance_timeout_ms() const {
  int32_t t = 0;
  for (const auto& m : members_) t = std::max(t, m.rebalance_timeout_ms);
  return t;
}

size_t Group::num_awaiting_join() const {
  return static_cast<size_t>(std::count_if(members_.begin(), members_.end(), [](const Member& m) { return m.awaiting_join(); }));
}

bool Group::has_all_members_joined() const {
  return members_.size() == num_awaiting_join() && pending_members_.empty();
}

bool Group::accept_joining_member(const std::string& member_id) const {
  const auto max = static_cast<size_t>(config_.max_size);
  const Member* m = member(member_id);
  switch (state_) {
    case GroupState::kEmpty:
    case GroupState::kDead: return true;
    case GroupState::kPreparingRebalance: return (m && m->awaiting_join()) || num_awaiting_join() < max;
    case GroupState::kCompletingRebalance:
    case GroupState::kStable: return m != nullptr || members_.size() < max;
  }
  return false;
}

// Kafka's ClassicGroup.validateMember.
ErrorCode Group::validate_member(const std::string& member_id, const std::optional<std::string>& instance_id) const {
  if (instance_id) {
    auto existing = static_member_id(*instance_id);
    if (!existing) return ErrorCode::UNKNOWN_MEMBER_ID;
    if (*existing != member_id) return ErrorCode::FENCED_INSTANCE_ID;
  }
  return member(member_id) ? ErrorCode::NONE : ErrorCode::UNKNOWN_MEMBER_ID;
}

// client_id + "-" + a UUID-shaped string drawn from a seeded sequence (deterministic per seed).
std::string Group::new_member_id(const std::string& client_id) {
  uint64_t hi = splitmix64(member_id_seed_ ^ (member_id_counter_ * 2 + 1));
  uint64_t lo = splitmix64(hi ^ ++member_id_counter_);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", unsigned(hi >> 32), unsigned(hi >> 16) & 0xffff,
                unsigned(hi) & 0xfff, unsigned(0x8000 | ((lo >> 48) & 0x3fff)),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return client_id + "-" + buf;
}

// Kafka's computeSubscribedTopics: known only for the consumer protocol when every member's
// metadata for the selected protocol parses.
std::optional<std::set<std::string>> Group::compute_subscribed_topics() const {
  if (protocol_type_ != "consumer") return std::nullopt;
  if (members_.empty()) return std::set<std::string>{};
  if (!protocol_name_) return std::nullopt;
  std::set<std::string> topics;
  for (const auto& m : members_) {
    const Bytes* md = m.metadata(*protocol_name_);
    if (!md) return std::nullopt;
    auto sub = parse_subscription(ByteView(*md));
    if (!sub.ok()) return std::nullopt;
    topics.insert(sub->topics.begin(), sub->topics.end());
  }
  return topics;
}

bool Group::is_subscribed_to(const std::string& topic) const {
  return !subscribed_topics_ || subscribed_topics_->count(topic) > 0;
}

std::vector<JoinMember> Group::current_members_for_leader() const {
  std::vector<JoinMember> out;
  GREGOR_ASSERT(protocol_name_.has_value());
  for (const auto& m : members_) {
    const Bytes* md = m.metadata(*protocol_name_);
    GREGOR_ASSERT(md != nullptr);
    out.push_back(JoinMember{m.member_id, m.group_instance_id, *md});
  }
  return out;
}

}  // namespace gregor::group
