// PendingTxnOffsets: offsets committed inside transactions (TxnOffsetCommit) that are not
// visible yet, per producer id. They are written to __consumer_offsets in the producer's
// transactional batches; the end-txn marker decides them: COMMIT moves them to the committed
// offsets, ABORT drops them. OffsetFetch with require_stable answers UNSTABLE_OFFSET_COMMIT
// for a partition while one is pending.
// Thread-safety: none; owned by the GroupManager.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "coordinator/group/offset_store.h"

namespace gregor::group {

class PendingTxnOffsets {
 public:
  struct Pending {
    std::string group_id;
    TopicPartition tp;
    CommittedOffset offset;
  };

  void put(int64_t producer_id, const std::string& group_id, const TopicPartition& tp, CommittedOffset offset);
  // Removes one (a failed write).
  void erase(int64_t producer_id, const std::string& group_id, const TopicPartition& tp);
  // Removes and returns the producer's pending offsets (marker), in key order.
  std::vector<Pending> take(int64_t producer_id);
  bool pending(const std::string& group_id, const TopicPartition& tp) const;
  // An offset tombstone (OffsetDelete, retention) or a group deletion drops pending offsets too.
  void erase_all(const std::string& group_id, const TopicPartition& tp);
  void erase_group(const std::string& group_id);
  size_t producers() const { return by_producer_.size(); }

 private:
  using Key = std::pair<std::string, TopicPartition>;
  std::map<int64_t, std::map<Key, CommittedOffset>> by_producer_;
  std::map<Key, int> open_;  // how many producers have a pending offset for the key
};

}  // namespace gregor::group
