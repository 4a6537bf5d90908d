#include "raft/wire.h"

#include "raft/storage_raft_log.h"

namespace gregor::raft {

namespace {

constexpr int16_t kUnknownTopicOrPartition = 3;

// The one partition every Raft message is about, or an error naming what was found instead.
template <class Topics, class NameOf, class PartOf>
Result<const typename std::decay_t<decltype(std::declval<Topics>()[0].partitions)>::value_type*> the_partition(
    const Topics& topics, NameOf name_of, PartOf part_of) {
  if (topics.size() != 1 || topics[0].partitions.size() != 1)
    return make_error(errc::kInvalidRequest, "a Raft request must name exactly one partition");
  if (name_of(topics[0]) != kMetadataTopic || part_of(topics[0].partitions[0]) != 0)
    return make_error(kUnknownTopicOrPartition, "Raft requests are served only for __cluster_metadata-0");
  return &topics[0].partitions[0];
}

auto topic_name = [](const auto& t) { return t.topic_name; };
auto partition_index = [](const auto& p) { return p.partition_index; };

std::string cluster(const std::optional<std::string>& id) { return id.value_or(""); }

// BeginQuorumEpoch and EndQuorumEpoch answers share one shape: an error, the epoch, the leader.
template <class Wire, class Core>
Wire epoch_answer_to_wire(const Core& r) {
  Wire w;
  auto& t = w.topics.emplace_back();
  t.topic_name = kMetadataTopic;
  auto& p = t.partitions.emplace_back();
  p.error_code = r.error;
  p.leader_id = r.leader_id;
  p.leader_epoch = r.epoch;
  return w;
}

template <class Core, class Wire>
Result<Core> epoch_answer_from_wire(const Wire& w) {
  Core r;
  if (w.error_code != 0) {
    r.error = w.error_code;
    return r;
  }
  auto p = the_partition(w.topics, topic_name, partition_index);
  if (!p.ok()) return p.error();
  r.error = (*p)->error_code;
  r.leader_id = (*p)->leader_id;
  r.epoch = (*p)->leader_epoch;
  return r;
}

}  // namespace

// --- Vote
proto::VoteRequest to_wire(const VoteRequest& r) {
  proto::VoteRequest w;
  w.cluster_id = r.cluster_id;
  auto& t = w.topics.emplace_back();
  t.topic_name = kMetadataTopic;
  auto& p = t.partitions.emplace_back();
  p.partition_index = 0;
  p.replica_epoch = r.epoch;
  p.replica_id = r.candidate_id;
  p.last_offset_epoch = r.last_epoch;
  p.last_offset = r.last_epoch_end_offset;
  p.pre_vote = r.pre_vote;
  return w;
}

Result<VoteRequest> from_wire(const proto::VoteRequest& w) {
  auto p = the_partition(w.topics, topic_name, partition_index);
  if (!p.ok()) return p.error();
  VoteRequest r;
  r.cluster_id = cluster(w.cluster_id);
  r.epoch = (*p)->replica_epoch;
  r.candidate_id = (*p)->replica_id;
  r.last_epoch = (*p)->last_offset_epoch;
  r.last_epoch_end_offset = (*p)->last_offset;
  r.pre_vote = (*p)->pre_vote;
  return r;
}

proto::VoteResponse to_wire(const VoteResponse& r) {
  proto::VoteResponse w;
  auto& t = w.topics.emplace_back();
  t.topic_name = kMetadataTopic;
  auto& p = t.partitions.emplace_back();
  p.partition_index = 0;
  p.error_code = r.error;
  p.leader_id = r.leader_id;
  p.leader_epoch = r.epoch;
  p.vote_granted = r.vote_granted;
  return w;
}

Result<VoteResponse> from_wire(const proto::VoteResponse& w) {
  VoteResponse r;
  if (w.error_code != 0) {
    r.error = w.error_code;
    return r;
  }
  auto p = the_partition(w.topics, topic_name, partition_index);
  if (!p.ok()) return p.error();
  r.error = (*p)->error_code;
  r.leader_id = (*p)->leader_id;
  r.epoch = (*p)->leader_epoch;
  r.vote_granted = (*p)->vote_granted;
  return r;
}

// --- BeginQuorumEpoch
proto::BeginQuorumEpochRequest to_wire(const BeginQuorumEpochRequest& r) {
  proto::BeginQuorumEpochRequest w;
  w.cluster_id = r.cluster_id;
  auto& t = w.topics.emplace_back();
  t.topic_name = kMetadataTopic;
  auto& p = t.partitions.emplace_back();
  p.leader_id = r.leader_id;
  p.leader_epoch = r.epoch;
  return w;
}

Result<BeginQuorumEpochRequest> from_wire(const proto::BeginQuorumEpochRequest& w) {
  auto p = the_partition(w.topics, topic_name, partition_index);
  if (!p.ok()) return p.error();
  BeginQuorumEpochRequest r;
  r.cluster_id = cluster(w.cluster_id);
  r.leader_id = (*p)->leader_id;
  r.epoch = (*p)->leader_epoch;
  return r;
}

proto::BeginQuorumEpochResponse to_wire(const BeginQuorumEpochResponse& r) {
  return epoch_answer_to_wire<proto::BeginQuorumEpochResponse>(r);
}
Result<BeginQuorumEpochResponse> from_wire(const proto::BeginQuorumEpochResponse& w) {
  return epoch_answer_from_wire<BeginQuorumEpochResponse>(w);
}

// --- EndQuorumEpoch
proto::EndQuorumEpochRequest to_wire(const EndQuorumEpochRequest& r) {
  proto::EndQuorumEpochRequest w;
  w.cluster_id = r.cluster_id;
  auto& t = w.topics.emplace_back();
  t.topic_name = kMetadataTopic;
  auto& p = t.partitions.emplace_back();
  p.leader_id = r.leader_id;
  p.leader_epoch = r.epoch;
  p.preferred_successors = r.preferred_successors;
  return w;
}

Result<EndQuorumEpochRequest> from_wire(const proto::EndQuorumEpochRequest& w) {
  auto p = the_partition(w.topics, topic_name, partition_index);
  if (!p.ok()) return p.error();
  EndQuorumEpochRequest r;
  r.cluster_id = cluster(w.cluster_id);
  r.leader_id = (*p)->leader_id;
  r.epoch = (*p)->leader_epoch;
  r.preferred_successors = (*p)->preferred_successors;
  for (const auto& c : (*p)->preferred_candidates) r.preferred_successors.push_back(c.candidate_id);
  return r;
}

proto::EndQuorumEpochResponse to_wire(const EndQuorumEpochResponse& r) {
  return epoch_answer_to_wire<proto::EndQuorumEpochResponse>(r);
}
Result<EndQuorumEpochResponse> from_wire(const proto::EndQuorumEpochResponse& w) {
  return epoch_answer_from_wire<EndQuorumEpochResponse>(w);
}

// --- Fetch
proto::FetchRequest to_wire(const FetchRequest& r) {
  proto::FetchRequest w;
  w.cluster_id = r.cluster_id;
  w.replica_id = r.replica_id;
  w.replica_state.replica_id = r.replica_id;
  w.max_wait_ms = r.max_wait_ms;
  w.min_bytes = 1;
  auto& t = w.topics.emplace_back();
  t.topic = kMetadataTopic;
  auto& p = t.partitions.emplace_back();
  p.partition = 0;
  p.current_leader_epoch = r.epoch;
  p.fetch_offset = r.fetch_offset;
  p.last_fetched_epoch = r.last_fetched_epoch;
  p.partition_max_bytes = 8 << 20;
  return w;
}

Result<FetchRequest> from_wire(const proto::FetchRequest& w, int16_t version) {
  auto p = the_partition(w.topics, [](const auto& t) { return t.topic; }, [](const auto& p) { return p.partition; });
  if (!p.ok()) return p.error();
  FetchRequest r;
  r.cluster_id = cluster(w.cluster_id);
  r.replica_id = version >= 15 ? w.replica_state.replica_id : w.replica_id;
  r.epoch = (*p)->current_leader_epoch;
  r.fetch_offset = (*p)->fetch_offset;
  r.last_fetched_epoch = (*p)->last_fetched_epoch;
  r.max_wait_ms = w.max_wait_ms;
  return r;
}

proto::FetchResponse to_wire(const FetchResponse& r) {
  proto::FetchResponse w;
  auto& t = w.responses.emplace_back();
  t.topic = kMetadataTopic;
  auto& p = t.partitions.emplace_back();
  p.partition_index = 0;
  p.error_code = r.error;
  p.high_watermark = r.high_watermark;
  p.log_start_offset = r.log_start_offset;
  p.current_leader.leader_id = r.leader_id;
  p.current_leader.leader_epoch = r.epoch;
  if (r.diverging_epoch) {
    p.diverging_epoch.epoch = r.diverging_epoch->epoch;
    p.diverging_epoch.end_offset = r.diverging_epoch->end_offset;
  }
  if (r.snapshot_id) {
    p.snapshot_id.end_offset = r.snapshot_id->end_offset;
    p.snapshot_id.epoch = r.snapshot_id->epoch;
  }
  p.aborted_transactions = std::nullopt;
  if (!r.batches.empty()) {
    Bytes all;
    for (const auto& b : r.batches) all.insert(all.end(), b.data.begin(), b.data.end());
    p.records.append(SharedSlice(std::move(all)));
  }
  return w;
}

Result<FetchResponse> from_wire(const proto::FetchResponse& w) {
  FetchResponse r;
  if (w.error_code != 0) {
    r.error = w.error_code;
    return r;
  }
  auto p = the_partition(w.responses, [](const auto& t) { return t.topic; },
                         [](const auto& p) { return p.partition_index; });
  if (!p.ok()) return p.error();
  const auto& d = **p;
  r.error = d.error_code;
  r.high_watermark = d.high_watermark;
  r.log_start_offset = d.log_start_offset;
  r.leader_id = d.current_leader.leader_id;
  r.epoch = d.current_leader.leader_epoch;
  if (d.diverging_epoch.epoch >= 0 || d.diverging_epoch.end_offset >= 0)
    r.diverging_epoch = DivergingEpoch{d.diverging_epoch.epoch, d.diverging_epoch.end_offset};
  if (d.snapshot_id.end_offset >= 0 || d.snapshot_id.epoch >= 0)
    r.snapshot_id = SnapshotId{d.snapshot_id.end_offset, d.snapshot_id.epoch};
  if (!d.records.is_null() && !d.records.empty()) {
    auto bytes = d.records.to_bytes();
    if (!bytes.ok()) return bytes.error();
    r.batches = split_batches(*bytes);
  }
  return r;
}

// --- FetchSnapshot
proto::FetchSnapshotRequest to_wire(const FetchSnapshotRequest& r) {
  proto::FetchSnapshotRequest w;
  w.cluster_id = r.cluster_id;
  w.replica_id = r.replica_id;
  w.max_bytes = r.max_bytes;
  auto& t = w.topics.emplace_back();
  t.name = kMetadataTopic;
  auto& p = t.partitions.emplace_back();
  p.partition = 0;
  p.current_leader_epoch = r.epoch;
  p.snapshot_id.end_offset = r.snapshot_id.end_offset;
  p.snapshot_id.epoch = r.snapshot_id.epoch;
  p.position = r.position;
  return w;
}

Result<FetchSnapshotRequest> from_wire(const proto::FetchSnapshotRequest& w) {
  auto p = the_partition(w.topics, [](const auto& t) { return t.name; }, [](const auto& p) { return p.partition; });
  if (!p.ok()) return p.error();
  FetchSnapshotRequest r;
  r.cluster_id = cluster(w.cluster_id);
  r.replica_id = w.replica_id;
  r.max_bytes = w.max_bytes;
  r.epoch = (*p)->current_leader_epoch;
  r.snapshot_id = SnapshotId{(*p)->snapshot_id.end_offset, (*p)->snapshot_id.epoch};
  r.position = (*p)->position;
  return r;
}

proto::FetchSnapshotResponse to_wire(const FetchSnapshotResponse& r) {
  proto::FetchSnapshotResponse w;
  auto& t = w.topics.emplace_back();
  t.name = kMetadataTopic;
  auto& p = t.partitions.emplace_back();
  p.index = 0;
  p.error_code = r.error;
  p.snapshot_id.end_offset = r.snapshot_id.end_offset;
  p.snapshot_id.epoch = r.snapshot_id.epoch;
  p.current_leader.leader_id = r.leader_id;
  p.current_leader.leader_epoch = r.epoch;
  p.size = r.size;
  p.position = r.position;
  if (!r.bytes.empty()) p.unaligned_records.append(SharedSlice(Bytes(r.bytes)));
  return w;
}

Result<FetchSnapshotResponse> from_wire(const proto::FetchSnapshotResponse& w) {
  FetchSnapshotResponse r;
  if (w.error_code != 0) {
    r.error = w.error_code;
    return r;
  }
  auto p = the_partition(w.topics, [](const auto& t) { return t.name; }, [](const auto& p) { return p.index; });
  if (!p.ok()) return p.error();
  const auto& d = **p;
  r.error = d.error_code;
  r.snapshot_id = SnapshotId{d.snapshot_id.end_offset, d.snapshot_id.epoch};
  r.leader_id = d.current_leader.leader_id;
  r.epoch = d.current_leader.leader_epoch;
  r.size = d.size;
  r.position = d.position;
  if (!d.unaligned_records.is_null() && !d.unaligned_records.empty()) {
    auto bytes = d.unaligned_records.to_bytes();
    if (!bytes.ok()) return bytes.error();
    r.bytes = std::move(*bytes);
  }
  return r;
}

proto::DescribeQuorumResponse describe_to_wire(const QuorumDescription& d) {
  proto::DescribeQuorumResponse w;
  auto& t = w.topics.emplace_back();
  t.topic_name = kMetadataTopic;
  auto& p = t.partitions.emplace_back();
  p.leader_id = d.leader_id;
  p.leader_epoch = d.leader_epoch;
  p.high_watermark = d.high_watermark;
  auto fill = [](const ReplicaDescription& r) {
    proto::DescribeQuorumResponse::ReplicaState s;
    s.replica_id = r.replica_id;
    s.log_end_offset = r.log_end_offset;
    s.last_fetch_timestamp = r.last_fetch_ms;
    s.last_caught_up_timestamp = r.last_caught_up_ms;
    return s;
  };
  for (const auto& v : d.voters) p.current_voters.push_back(fill(v));
  for (const auto& o : d.observers) p.observers.push_back(fill(o));
  return w;
}

}  // namespace gregor::raft
