// MetadataStateMachine: the metadata Image as the state replicated by the KRaft quorum. Every
// committed batch of `__cluster_metadata-0` (a Kafka record batch whose record values are
// metadata records, see metadata/records.h) is decoded and applied in offset order; control
// batches (the leaders' LeaderChange records) carry no metadata. A batch whose CRC fails or a
// record this version cannot decode is an error that stops the quorum member (as Kafka stops
// on a metadata replay error): skipping it would serve an image that silently lacks it. Snapshots hold the whole image as one
// batch of metadata records (what a fresh node needs to rebuild it), as Kafka's do.
// image() hands out an immutable copy of the current state, made once per change.
// Thread-safety: called by the RaftNode's thread (shard 0) only; published Images are
// read-only and may be shared with other shards.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "metadata/image.h"
#include "metadata/records.h"
#include "raft/state_machine.h"

namespace gregor::controller {

class MetadataStateMachine final : public raft::StateMachine {
 public:
  explicit MetadataStateMachine(std::string cluster_id);

  Status apply(const raft::LogBatch& batch) override;
  Bytes snapshot() override;
  Status restore(raft::SnapshotId id, const Bytes& data) override;

  // The current image (version bumps with every applied batch that held records).
  metadata::ImagePtr image();
  // Offset of the last applied metadata record + 1 (what a broker reports as caught up to).
  int64_t applied_end_offset() const { return applied_end_; }
  // Records applied since start (for logs).
  uint64_t records_applied() const { return records_applied_; }

 private:
  metadata::Image state_;
  metadata::ImagePtr published_;
  bool dirty_ = true;
  int64_t applied_end_ = 0;
  uint64_t records_applied_ = 0;
};

// The records that rebuild `image` when replayed into an empty one (used for snapshots).
std::vector<metadata::MetadataRecord> image_to_records(const metadata::Image& image);

}  // namespace gregor::controller
