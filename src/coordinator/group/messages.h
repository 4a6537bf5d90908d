// The classic group protocol as plain structs: the settings a group runs under, and the
// request and response of JoinGroup, SyncGroup, Heartbeat and LeaveGroup as the state machine
// sees them (already decoded; the broker's handlers map them to and from the wire types).
// A request that must wait for the rebalance carries an opaque `token` chosen by the caller;
// its response later comes out of Group::take_completions() as a Completion with that token.
// Thread-safety: plain value types.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "model/error_code.h"

namespace gregor::group {

using model::ErrorCode;

// Broker settings that govern groups (Kafka's names and defaults).
struct GroupConfig {
  int32_t min_session_timeout_ms = 6000;            // group.min.session.timeout.ms
  int32_t max_session_timeout_ms = 1800000;         // group.max.session.timeout.ms
  int32_t initial_rebalance_delay_ms = 3000;        // group.initial.rebalance.delay.ms
  int32_t max_size = std::numeric_limits<int32_t>::max();  // group.max.size
  int32_t new_member_join_timeout_ms = 300000;      // Kafka's fixed 5 minutes for new members
  int64_t offsets_retention_ms = 7LL * 24 * 3600 * 1000;  // offsets.retention.minutes (10080)
  int64_t offsets_retention_check_interval_ms = 600000;  // offsets.retention.check.interval.ms
  int32_t offset_metadata_max_bytes = 4096;         // offset.metadata.max.bytes
};

// One (name, metadata) entry of a member's supported protocols, in the member's preference order.
struct Protocol {
  std::string name;
  Bytes metadata;
  bool operator==(const Protocol&) const = default;
};

struct JoinRequest {
  uint64_t token = 0;                       // names this request in a later Completion
  std::string member_id;                    // "" on a first join
  std::optional<std::string> group_instance_id;  // static membership (v5+)
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 10000;
  int32_t rebalance_timeout_ms = 10000;     // v0: the caller passes the session timeout
  std::string protocol_type;                // "consumer" for the Java consumer and its kin
  std::vector<Protocol> protocols;
  bool require_known_member_id = false;     // JoinGroup v4+: first join gets MEMBER_ID_REQUIRED
  bool supports_skip_assignment = false;    // JoinGroup v9+ (KIP-814)
};

struct JoinMember {  // the leader's view of one member
  std::string member_id;
  std::optional<std::string> group_instance_id;
  Bytes metadata;  // for the selected protocol
  bool operator==(const JoinMember&) const = default;
};

struct JoinResponse {
  ErrorCode error = ErrorCode::NONE;
  int32_t generation_id = -1;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  std::string leader;
  bool skip_assignment = false;
  std::string member_id;
  std::vector<JoinMember> members;  // non-empty only for the leader
};

struct SyncRequest {
  uint64_t token = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  int32_t generation_id = -1;
  std::optional<std::string> protocol_type;  // v5+, checked when present
  std::optional<std::string> protocol_name;  // v5+, checked when present
  std::map<std::string, Bytes> assignments;  // from the leader; empty from followers
};

struct SyncResponse {
  ErrorCode error = ErrorCode::NONE;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  Bytes assignment;
};

struct HeartbeatRequest {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  int32_t generation_id = -1;
};

struct LeavingMember {
  std::string member_id;                          // "" to remove a static member by instance id
  std::optional<std::string> group_instance_id;
};

struct LeaveResponse {
  ErrorCode error = ErrorCode::NONE;  // group-level
  std::vector<ErrorCode> member_errors;  // one per leaving member, in request order
};

// DescribeGroups' view of one member. Metadata and assignment are filled only when Stable.
struct MemberDescription {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  Bytes metadata;
  Bytes assignment;
  bool operator==(const MemberDescription&) const = default;
};

struct GroupDescription {
  std::string group_id;
  std::string state;          // Kafka's state name
  std::string protocol_type;  // "" if none
  std::string protocol_name;  // "" unless Stable
  std::vector<MemberDescription> members;
};

// The delayed response to a JoinGroup or SyncGroup that returned "pending".
struct Completion {
  uint64_t token = 0;
  std::variant<JoinResponse, SyncResponse> response;
};

}  // namespace gregor::group
