#include "raft/sim_checker.h"

#include <fmt/format.h>

#include "base/splitmix.h"

namespace gregor::raft::sim {

uint64_t hash_bytes(const Bytes& b, uint64_t h) {
  h = splitmix64(h ^ b.size());
  size_t i = 0;
  for (; i + 8 <= b.size(); i += 8) h = splitmix64(h ^ load_be64(b.data() + i));
  uint64_t tail = 0;
  for (; i < b.size(); ++i) tail = tail << 8 | b[i];
  return splitmix64(h ^ tail);
}

static uint64_t batch_hash(const LogBatch& b) {
  uint64_t h = hash_bytes(b.data, uint64_t(b.epoch) * 31 + (b.control ? 1 : 0));
  return splitmix64(h ^ uint64_t(b.base_offset) ^ (uint64_t(b.last_offset) << 20));
}

void SimChecker::violation(std::string what) {
  if (!failure_) failure_ = std::move(what);
}

uint64_t SimChecker::on_apply(int32_t node, const LogBatch& b, uint64_t prev_hash) {
  uint64_t h = batch_hash(b);
  uint64_t next = splitmix64(prev_hash ^ h);
  auto it = committed_.find(b.base_offset);
  if (it != committed_.end()) {
    const Committed& c = it->second;
    if (c.last_offset != b.last_offset || c.epoch != b.epoch || c.data_hash != h ||
        c.prefix_hash != next) {
      violation(fmt::format("state machine safety: node {} applied [{}..{}] epoch {} but the "
                            "committed batch there is [{}..{}] epoch {}{}",
                            node, b.base_offset, b.last_offset, b.epoch, b.base_offset,
                            c.last_offset, c.epoch,
                            c.data_hash == h ? " (same batch, different history)" : ""));
    }
    return next;
  }
  if (b.base_offset != committed_end_) {
    violation(fmt::format("state machine safety: node {} applied offset {} but the committed "
                          "sequence ends at {}", node, b.base_offset, committed_end_));
    return next;
  }
  auto prev = prefix_by_end_.find(b.base_offset);
  uint64_t expect_prev = prev == prefix_by_end_.end() ? 0 : prev->second;
  if (expect_prev != prev_hash) {
    violation(fmt::format("state machine safety: node {} applied {} after a different history",
                          node, b.base_offset));
  }
  committed_[b.base_offset] = Committed{b.last_offset, b.epoch, h, next};
  prefix_by_end_[b.last_offset + 1] = next;
  committed_end_ = b.last_offset + 1;
  return next;
}

void SimChecker::on_restore(int32_t node, int64_t end_offset, uint64_t prefix_hash) {
  if (end_offset == 0) return;
  auto it = prefix_by_end_.find(end_offset);
  if (it == prefix_by_end_.end()) {
    violation(fmt::format("snapshot: node {} restored a snapshot ending at {} that is not a "
                          "committed prefix (committed end {})", node, end_offset,
                          committed_end_));
  } else if (it->second != prefix_hash) {
    violation(fmt::format("snapshot: node {} restored a snapshot at {} whose content differs "
                          "from the committed prefix", node, end_offset));
  }
}

void SimChecker::check_leader_completeness(int32_t id, const MemoryRaftLog& log) {
  // Every committed batch at or after the leader's log start must be in its log.
  if (log.end_offset() < committed_end_) {
    violation(fmt::format("leader completeness: node {} leads with log end {} but {} is "
                          "committed", id, log.end_offset(), committed_end_));
    return;
  }
  for (auto it = committed_.lower_bound(log.start_offset()); it != committed_.end(); ++it) {
    const LogBatch* b = log.batch_at(it->first);
    if (!b || b->base_offset != it->first || b->epoch != it->second.epoch ||
        batch_hash(*b) != it->second.data_hash) {
      violation(fmt::format("leader completeness: node {} leads without committed batch at {} "
                            "(epoch {})", id, it->first, it->second.epoch));
      return;
    }
  }
}

void SimChecker::check_node(int32_t id, int incarnation, const RaftNode& node,
                            MemoryRaftLog& log, int64_t now) {
  (void)now;
  NodeTrack& t = nodes_[id];
  if (t.incarnation != incarnation) {
    t.incarnation = incarnation;
    t.last_hw = node.high_watermark();
    t.was_leader = false;
  }
  if (node.fatal_error()) {
    violation(fmt::format("node {} stopped: {}", id, node.fatal_error()->message));
  }
  if (node.epoch() < t.max_epoch) {
    violation(fmt::format("epoch of node {} went back from {} to {}", id, t.max_epoch,
                          node.epoch()));
  }
  t.max_epoch = std::max(t.max_epoch, node.epoch());
  int64_t hw = node.high_watermark();
  if (hw < t.last_hw) {
    violation(fmt::format("high watermark of node {} went back from {} to {}", id, t.last_hw, hw));
  }
  if (hw > log.end_offset()) {
    violation(fmt::format("high watermark {} of node {} is past its log end {}", hw, id,
                          log.end_offset()));
  }
  int64_t truncated = log.take_min_truncated();
  if (truncated < t.last_hw) {
    violation(fmt::format("log matching: node {} truncated committed data at {} (its HW was {})",
                          id, truncated, t.last_hw));
  }
  t.last_hw = std::max(t.last_hw, hw);
  if (node.role() == Role::Leader) {
    auto [it, inserted] = leaders_.emplace(node.epoch(), id);
    if (!inserted && it->second != id) {
      violation(fmt::format("election safety: nodes {} and {} both led epoch {}", it->second, id,
                            node.epoch()));
    }
    if (!t.was_leader || t.leader_epoch != node.epoch()) check_leader_completeness(id, log);
    t.was_leader = true;
    t.leader_epoch = node.epoch();
  } else {
    t.was_leader = false;
  }
}

Status SimStateMachine::apply(const LogBatch& batch) {
  if (batch.base_offset != next_) {
    checker_.violation(fmt::format("node {} applied offset {} out of order (expected {})", node_,
                                   batch.base_offset, next_));
  }
  hash_ = checker_.on_apply(node_, batch, hash_);
  next_ = batch.last_offset + 1;
  return Status::OK();
}

Bytes SimStateMachine::snapshot() {
  Bytes b;
  append_be64(b, uint64_t(next_));
  append_be64(b, hash_);
  return b;
}

Status SimStateMachine::restore(SnapshotId id, const Bytes& data) {
  if (data.size() != 16) return make_error(errc::kKafkaStorageError, "bad sim snapshot");
  int64_t next = int64_t(load_be64(data.data()));
  uint64_t hash = load_be64(data.data() + 8);
  if (next != id.end_offset) {
    checker_.violation(fmt::format("node {} restored snapshot {} holding state up to {}", node_,
                                   id.end_offset, next));
  }
  checker_.on_restore(node_, next, hash);
  next_ = next;
  hash_ = hash;
  return Status::OK();
}

}  // namespace gregor::raft::sim
