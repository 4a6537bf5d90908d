// wire: maps the Raft core's messages to and from the Kafka protocol messages that carry them
// between nodes (Vote v2, BeginQuorumEpoch v0, EndQuorumEpoch v0, Fetch v12 and FetchSnapshot
// v0, each about the one partition __cluster_metadata-0), and the DescribeQuorum answer.
// Decoding checks that the request names that partition; anything else is INVALID_REQUEST or
// UNKNOWN_TOPIC_OR_PARTITION, never a crash. Fetch record bytes must be whole Kafka batches
// (StorageRaftLog's format).
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "base/result.h"
#include "protocol/generated/messages.h"
#include "raft/messages.h"

namespace gregor::raft {

inline constexpr char kMetadataTopic[] = "__cluster_metadata";
inline constexpr int16_t kVoteVersion = 2, kBeginEpochVersion = 0, kEndEpochVersion = 0, kFetchVersion = 12,
                         kFetchSnapshotVersion = 0;

// Requests the core sends, as Kafka messages.
proto::VoteRequest to_wire(const VoteRequest& r);
proto::BeginQuorumEpochRequest to_wire(const BeginQuorumEpochRequest& r);
proto::EndQuorumEpochRequest to_wire(const EndQuorumEpochRequest& r);
proto::FetchRequest to_wire(const FetchRequest& r);
proto::FetchSnapshotRequest to_wire(const FetchSnapshotRequest& r);

// Incoming requests for the core.
Result<VoteRequest> from_wire(const proto::VoteRequest& r);
Result<BeginQuorumEpochRequest> from_wire(const proto::BeginQuorumEpochRequest& r);
Result<EndQuorumEpochRequest> from_wire(const proto::EndQuorumEpochRequest& r);
Result<FetchRequest> from_wire(const proto::FetchRequest& r, int16_t version);
Result<FetchSnapshotRequest> from_wire(const proto::FetchSnapshotRequest& r);

// The core's answers, as Kafka messages.
proto::VoteResponse to_wire(const VoteResponse& r);
proto::BeginQuorumEpochResponse to_wire(const BeginQuorumEpochResponse& r);
proto::EndQuorumEpochResponse to_wire(const EndQuorumEpochResponse& r);
proto::FetchResponse to_wire(const FetchResponse& r);
proto::FetchSnapshotResponse to_wire(const FetchSnapshotResponse& r);

// Answers from other nodes, for the core. A top-level error (no partition data) becomes the
// response's error.
Result<VoteResponse> from_wire(const proto::VoteResponse& r);
Result<BeginQuorumEpochResponse> from_wire(const proto::BeginQuorumEpochResponse& r);
Result<EndQuorumEpochResponse> from_wire(const proto::EndQuorumEpochResponse& r);
Result<FetchResponse> from_wire(const proto::FetchResponse& r);
Result<FetchSnapshotResponse> from_wire(const proto::FetchSnapshotResponse& r);

proto::DescribeQuorumResponse describe_to_wire(const QuorumDescription& d);

}  // namespace gregor::raft
