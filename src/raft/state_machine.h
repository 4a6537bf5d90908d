// StateMachine: what the replicated log drives (the metadata image, or a test model).
// RaftNode promises: apply() sees every committed batch (control batches included; check
// LogBatch::control) exactly once per node incarnation, in offset order, with no gaps except
// that restore() replaces everything below a snapshot's end offset. restore() is called on
// start with the latest local snapshot and when a follower installs a fetched snapshot.
// snapshot() must return the state after the last applied batch. A batch apply() refuses is
// fatal for the node (as Kafka stops on a metadata replay error): nothing after it is applied.
// Thread-safety: called only from the RaftNode's thread.
#pragma once

#include "base/bytes.h"
#include "base/result.h"
#include "raft/types.h"

namespace gregor::raft {

class StateMachine {
 public:
  virtual ~StateMachine() = default;
  // An error (a batch the machine cannot read) stops the RaftNode: fatal_error() is set.
  virtual Status apply(const LogBatch& batch) = 0;
  virtual Bytes snapshot() = 0;
  virtual Status restore(SnapshotId id, const Bytes& data) = 0;
};

}  // namespace gregor::raft
