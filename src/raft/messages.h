// The Raft RPCs as plain structs: the fields of Kafka's Vote, BeginQuorumEpoch,
// EndQuorumEpoch, Fetch and FetchSnapshot APIs that the consensus core uses, plus the
// DescribeQuorum answer. The network adapter maps them to and from the generated Kafka
// messages (partition __cluster_metadata-0); the simulator passes them as values.
// Output is what RaftNode::drain() hands to the transport: a request to send to a node (with
// the correlation id the answer must be given back with) or the answer to an earlier request.
// Thread-safety: plain value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "raft/types.h"

namespace gregor::raft {

struct VoteRequest {
  std::string cluster_id;
  int32_t epoch = 0;          // candidate's epoch (a pre-vote carries its current, un-bumped epoch)
  int32_t candidate_id = kNoNode;
  int32_t last_epoch = 0;     // epoch of the candidate's last batch
  int64_t last_epoch_end_offset = 0;  // candidate's log end offset
  bool pre_vote = false;      // KIP-996
};
struct VoteResponse {
  int16_t error = errc::kNone;
  int32_t epoch = 0;
  int32_t leader_id = kNoNode;
  bool vote_granted = false;
};

struct BeginQuorumEpochRequest {
  std::string cluster_id;
  int32_t epoch = 0;
  int32_t leader_id = kNoNode;
};
struct BeginQuorumEpochResponse {
  int16_t error = errc::kNone;
  int32_t epoch = 0;
  int32_t leader_id = kNoNode;
};

struct EndQuorumEpochRequest {
  std::string cluster_id;
  int32_t epoch = 0;
  int32_t leader_id = kNoNode;
  std::vector<int32_t> preferred_successors;  // most up-to-date first
};
struct EndQuorumEpochResponse {
  int16_t error = errc::kNone;
  int32_t epoch = 0;
  int32_t leader_id = kNoNode;
};

struct FetchRequest {
  std::string cluster_id;
  int32_t replica_id = kNoNode;  // the fetching node (voter or observer)
  int32_t epoch = 0;             // the fetcher's current epoch
  int64_t fetch_offset = 0;      // the fetcher's (flushed) log end offset
  int32_t last_fetched_epoch = 0;
  int32_t max_wait_ms = 0;       // long poll: the leader may hold the request this long
};
struct DivergingEpoch {
  int32_t epoch = -1;
  int64_t end_offset = -1;
  bool operator==(const DivergingEpoch&) const = default;
};
struct FetchResponse {
  int16_t error = errc::kNone;
  int32_t epoch = 0;
  int32_t leader_id = kNoNode;
  int64_t high_watermark = -1;  // -1: the leader does not know it yet in this epoch
  std::optional<DivergingEpoch> diverging_epoch;
  std::optional<SnapshotId> snapshot_id;  // fetch offset is below the log start: fetch this
  int64_t log_start_offset = 0;
  std::vector<LogBatch> batches;
};

struct FetchSnapshotRequest {
  std::string cluster_id;
  int32_t replica_id = kNoNode;
  int32_t epoch = 0;
  SnapshotId snapshot_id;
  int64_t position = 0;
  int32_t max_bytes = 0;
};
struct FetchSnapshotResponse {
  int16_t error = errc::kNone;
  int32_t epoch = 0;
  int32_t leader_id = kNoNode;
  SnapshotId snapshot_id;
  int64_t size = 0;      // whole snapshot size
  int64_t position = 0;  // where `bytes` starts
  Bytes bytes;
};

using Request = std::variant<VoteRequest, BeginQuorumEpochRequest, EndQuorumEpochRequest,
                             FetchRequest, FetchSnapshotRequest>;
using Response = std::variant<VoteResponse, BeginQuorumEpochResponse, EndQuorumEpochResponse,
                              FetchResponse, FetchSnapshotResponse>;

// Send `request` to node `to`; give its answer to on_response with this correlation_id.
struct OutRequest {
  int32_t to = kNoNode;
  uint64_t correlation_id = 0;
  Request request;
};
// The answer to the request that on_request received with this request_id.
struct OutResponse {
  uint64_t request_id = 0;
  Response response;
};
using Output = std::variant<OutRequest, OutResponse>;

// DescribeQuorum, as the leader sees it.
struct ReplicaDescription {
  int32_t replica_id = kNoNode;
  int64_t log_end_offset = -1;
  int64_t last_fetch_ms = -1;
  int64_t last_caught_up_ms = -1;
};
struct QuorumDescription {
  int32_t leader_id = kNoNode;
  int32_t leader_epoch = 0;
  int64_t high_watermark = -1;
  std::vector<ReplicaDescription> voters;
  std::vector<ReplicaDescription> observers;
};

inline const char* request_name(const Request& r) {
  static const char* const kNames[] = {"Vote", "BeginQuorumEpoch", "EndQuorumEpoch", "Fetch",
                                       "FetchSnapshot"};
  return kNames[r.index()];
}

}  // namespace gregor::raft
