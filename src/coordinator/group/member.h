// Member: one member of a classic group as the coordinator tracks it: identity, timeouts, the
// protocols it supports (in its preference order), its current assignment, the JoinGroup or
// SyncGroup request it has parked (by caller token), and its heartbeat deadline.
// Thread-safety: plain value type, owned by its Group.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "coordinator/group/messages.h"

namespace gregor::group {

inline constexpr int64_t kNoDeadline = std::numeric_limits<int64_t>::max();

struct Member {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::string protocol_type;
  std::vector<Protocol> protocols;
  Bytes assignment;

  std::optional<uint64_t> join_token;  // set while a JoinGroup waits for the join phase to end
  std::optional<uint64_t> sync_token;  // set while a SyncGroup waits for the leader's assignment
  bool is_new = false;                 // joined this rebalance with a fresh id; not yet completed
  int64_t heartbeat_deadline_ms = kNoDeadline;

  bool is_static() const { return group_instance_id.has_value(); }
  bool awaiting_join() const { return join_token.has_value(); }
  bool awaiting_sync() const { return sync_token.has_value(); }

  // The metadata this member sent for `protocol`, or nullptr if it does not support it.
  const Bytes* metadata(std::string_view protocol) const {
    for (const auto& p : protocols) {
      if (p.name == protocol) return &p.metadata;
    }
    return nullptr;
  }

  // Kafka's ClassicGroupMember.matches: same protocols, same order, same metadata bytes.
  bool matches(const std::vector<Protocol>& other) const { return protocols == other; }
};

}  // namespace gregor::group
