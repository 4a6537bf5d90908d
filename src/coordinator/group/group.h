// Group: one classic consumer group (one group.id) as a pure, deterministic state machine,
// following Kafka 4.x's classic group coordinator. It never reads a clock, opens a socket or
// touches storage: every call takes now_ms, and time-driven work (session expiry, the end of
// the join phase, the initial rebalance delay, the pending-sync timeout) happens in tick().
//
// A JoinGroup or SyncGroup either gets its response at once or returns std::nullopt
// ("pending"); the response of a pending request later comes out of take_completions() as a
// Completion carrying the caller's token. Every token handed to join()/sync() that returned
// pending gets exactly one Completion.
//
// persisted_version() grows whenever state that Kafka writes to __consumer_offsets changes
// (a new generation, an assignment, a static member replaced), so the caller knows to write a
// GroupMetadata record.
//
// Thread-safety: none; owned and called by the shard that owns the group's partition.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "coordinator/group/group_state.h"
#include "coordinator/group/member.h"
#include "coordinator/group/messages.h"

namespace gregor::group {

class Group {
 public:
  // REQUIRES: config outlives the group.
  Group(std::string group_id, const GroupConfig& config, int64_t now_ms, uint64_t member_id_seed = 0);

  // --- The protocol. ---
  std::optional<JoinResponse> join(const JoinRequest& req, int64_t now_ms);
  std::optional<SyncResponse> sync(const SyncRequest& req, int64_t now_ms);
  ErrorCode heartbeat(const HeartbeatRequest& req, int64_t now_ms);
  LeaveResponse leave(const std::vector<LeavingMember>& members, int64_t now_ms);

  // Runs every deadline at or before now_ms. REQUIRES: now_ms never goes backwards.
  void tick(int64_t now_ms);
  // The earliest deadline tick() would act on, or kNoDeadline.
  int64_t next_deadline_ms() const;

  std::vector<Completion> take_completions();

  // Kafka's ClassicGroup.validateOffsetCommit: NONE if (member, instance, generation) may
  // commit offsets now; otherwise the error to return for every partition.
  // TxnOffsetCommit's checks: named members (v3+) must exist with the current generation; a
  // request naming none passes in any live state; no REBALANCE_IN_PROGRESS.
  ErrorCode validate_txn_offset_commit(const std::string& member_id, const std::optional<std::string>& instance_id,
                                       int32_t generation_id) const;
  ErrorCode validate_offset_commit(const std::string& member_id, const std::optional<std::string>& instance_id,
                                   int32_t generation_id) const;

  // DeleteGroups / offset expiry: moves the group to Dead. REQUIRES: state() is Empty.
  void mark_dead(int64_t now_ms);

  // --- Views. ---
  const std::string& id() const { return id_; }
  GroupState state() const { return state_; }
  int32_t generation_id() const { return generation_id_; }
  const std::optional<std::string>& protocol_type() const { return protocol_type_; }
  const std::optional<std::string>& protocol_name() const { return protocol_name_; }
  const std::optional<std::string>& leader_id() const { return leader_id_; }
  size_t size() const { return members_.size(); }
  const std::vector<Member>& members() const { return members_; }  // in join order
  const Member* member(const std::string& member_id) const;
  bool is_pending_member(const std::string& member_id) const;
  std::optional<std::string> static_member_id(const std::string& instance_id) const;
  // Topics the members subscribe to (consumer protocol); nullopt when unknown.
  const std::optional<std::set<std::string>>& subscribed_topics() const { return subscribed_topics_; }
  bool is_subscribed_to(const std::string& topic) const;
  int64_t state_timestamp_ms() const { return state_timestamp_ms_; }
  uint64_t persisted_version() const { return persisted_version_; }
  GroupDescription describe() const;

  // The protocol Kafka would select now: among protocols all members support, the one with the
  // most votes (each member votes for its first listed candidate); ties go to the candidate
  // that appears first in the join-order member list's votes. REQUIRES: size() > 0.
  std::string select_protocol() const;

  // Restores a group from its GroupMetadata record on coordinator load (state Empty or Stable).
  void load(int32_t generation_id, std::optional<std::string> protocol_type, std::optional<std::string> protocol_name,
            std::optional<std::string> leader, int64_t state_timestamp_ms, std::vector<Member> members,
            int64_t now_ms);

 private:
  // Membership (group_membership.cc).
  Member* find(const std::string& member_id);
  void add_member(Member m);
  void remove_member(const std::string& member_id);
  void replace_static_member(const std::string& instance_id, const std::string& old_id, const std::string& new_id);
  bool supports_protocols(const std::string& type, const std::vector<Protocol>& protocols) const;
  int32_t rebalance_timeout_ms() const;
  bool has_all_members_joined() const;
  size_t num_awaiting_join() const;
  bool accept_joining_member(const std::string& member_id) const;
  ErrorCode validate_member(const std::string& member_id, const std::optional<std::string>& instance_id) const;
  std::string new_member_id(const std::string& client_id);
  std::optional<std::set<std::string>> compute_subscribed_topics() const;
  std::vector<JoinMember> current_members_for_leader() const;

  // Rebalance machinery (group.cc).
  std::optional<JoinResponse> join_new_member(const JoinRequest& req, int64_t now_ms);
  std::optional<JoinResponse> join_existing_member(const JoinRequest& req, int64_t now_ms);
  std::optional<JoinResponse> add_member_and_rebalance(const JoinRequest& req, const std::string& id, int64_t now_ms);
  std::optional<JoinResponse> update_static_member(const JoinRequest& req, const std::string& old_id,
                                                   const std::string& new_id, int64_t now_ms);
  void update_member(Member& m, const JoinRequest& req);
  void park_join(Member& m, uint64_t token);
  void maybe_prepare_rebalance_or_complete_join(int64_t now_ms);
  void prepare_rebalance(int64_t now_ms);
  void maybe_complete_join_phase(int64_t now_ms);
  void complete_join(int64_t now_ms);
  void on_join_deadline(int64_t now_ms);
  void init_next_generation(int64_t now_ms);
  void transition(GroupState to, int64_t now_ms);
  void complete_join_token(Member& m, JoinResponse resp);
  void complete_sync_token(Member& m, SyncResponse resp);
  void propagate_assignment(ErrorCode error, int64_t now_ms);
  void remove_member_and_update(const std::string& member_id, int64_t now_ms);
  void remove_pending_member_and_update(const std::string& member_id, int64_t now_ms);
  void expire_pending_sync(int64_t now_ms);
  JoinResponse current_join_response(const Member& m) const;

  std::string id_;
  const GroupConfig& config_;
  GroupState state_ = GroupState::kEmpty;
  GroupState previous_state_ = GroupState::kEmpty;
  int64_t state_timestamp_ms_ = -1;
  int32_t generation_id_ = 0;
  std::optional<std::string> protocol_type_;
  std::optional<std::string> protocol_name_;
  std::optional<std::string> leader_id_;
  std::vector<Member> members_;
  std::vector<std::pair<std::string, int64_t>> pending_members_;  // MEMBER_ID_REQUIRED ids, expiry
  std::set<std::string> pending_sync_members_;
  std::optional<std::set<std::string>> subscribed_topics_;

  // Join phase: ends at join_deadline_ms_; during the initial delay it may be extended.
  int64_t join_deadline_ms_ = kNoDeadline;
  bool initial_delay_ = false;
  int32_t initial_delay_ms_ = 0;
  int32_t initial_remaining_ms_ = 0;
  bool new_member_added_ = false;
  int64_t sync_deadline_ms_ = kNoDeadline;

  uint64_t member_id_seed_;
  uint64_t member_id_counter_ = 0;
  uint64_t persisted_version_ = 0;
  std::vector<Completion> outbox_;
};

}  // namespace gregor::group
