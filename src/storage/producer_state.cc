#include "storage/producer_state.h"

#include <fmt/format.h>

#include "model/error_code.h"

namespace gregor::storage {

using model::ErrorCode;
using model::make_error;

namespace {

// Sequences wrap from INT32_MAX to 0, as the producer's do.
int32_t add_sequence(int32_t seq, int32_t delta) {
  int64_t v = int64_t(seq) + delta;
  return int32_t(v > INT32_MAX ? v - int64_t(INT32_MAX) - 1 : v);
}

bool in_sequence(int32_t last_seq, int32_t next_seq) {
  return next_seq == int32_t(int64_t(last_seq) + 1) || (next_seq == 0 && last_seq == INT32_MAX);
}

int32_t last_sequence(const model::BatchHeader& h) { return add_sequence(h.base_sequence, h.last_offset_delta); }

}  // namespace

const ProducerEntry* ProducerStateManager::find(int64_t producer_id) const {
  auto it = producers_.find(producer_id);
  return it == producers_.end() ? nullptr : &it->second;
}

const ProducerEntry& ProducerStateManager::current(const Update& u, int64_t producer_id) const {
  static const ProducerEntry kNone;
  if (auto it = u.entries.find(producer_id); it != u.entries.end()) return it->second;
  const ProducerEntry* e = find(producer_id);
  return e ? *e : kNone;
}

std::optional<ProducerBatch> ProducerStateManager::find_duplicate(const model::BatchHeader& h) const {
  if (h.producer_id < 0 || h.base_sequence < 0) return std::nullopt;
  const ProducerEntry* e = find(h.producer_id);
  if (!e || e->epoch != h.producer_epoch) return std::nullopt;
  const int32_t last = last_sequence(h);
  for (const auto& b : e->batches)
    if (b.first_seq == h.base_sequence && b.last_seq == last) return b;
  return std::nullopt;
}

Status ProducerStateManager::stage(Update& u, const model::BatchHeader& h, AppendOrigin origin,
                                   const std::optional<model::EndTxnMarker>& marker) const {
  const int64_t pid = h.producer_id;
  if (pid < 0) return Status::OK();
  if (h.is_control() && !marker) return Status::OK();
  ProducerEntry e = current(u, pid);
  e.producer_id = pid;

  if (h.producer_epoch < e.epoch && origin != AppendOrigin::replication)
    return make_error(ErrorCode::INVALID_PRODUCER_EPOCH,
                      fmt::format("Epoch of producer {} at offset {} is {}, which is smaller than the last seen epoch {}",
                                  pid, h.base_offset, h.producer_epoch, e.epoch));
  if (h.producer_epoch != e.epoch) {
    // A new epoch starts with no retained batches.
    if (origin == AppendOrigin::client && !h.is_control() && h.base_sequence != 0 && e.epoch != model::kNoProducerEpoch)
      return make_error(ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER,
                        fmt::format("Invalid sequence number for new epoch of producer {} at offset {}: {} (request "
                                    "epoch), {} (seq. number), {} (current producer epoch)",
                                    pid, h.base_offset, h.producer_epoch, h.base_sequence, e.epoch));
    e.batches.clear();
    e.epoch = h.producer_epoch;
  } else if (origin == AppendOrigin::client && !h.is_control() && e.epoch != model::kNoProducerEpoch &&
             !in_sequence(e.last_seq(), h.base_sequence)) {
    return make_error(ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER,
                      fmt::format("Out of order sequence number for producer {} at offset {}: {} (incoming seq. "
                                  "number), {} (current end sequence number)",
                                  pid, h.base_offset, h.base_sequence, e.last_seq()));
  }

  if (h.is_control()) {
    if (e.coordinator_epoch > marker->coordinator_epoch && origin != AppendOrigin::replication)
      return make_error(ErrorCode::TRANSACTION_COORDINATOR_FENCED,
                        fmt::format("Invalid coordinator epoch for producer {} at offset {}: {} (zombie), {} (current)",
                                    pid, h.base_offset, marker->coordinator_epoch, e.coordinator_epoch));
    // A marker for a transaction with no data here (its producer never wrote to this
    // partition) changes neither the LSO nor the index.
    if (e.current_txn_first_offset >= 0)
      u.completed.push_back(CompletedTxn{pid, e.current_txn_first_offset, h.base_offset, !marker->commit});
    e.current_txn_first_offset = -1;
    e.coordinator_epoch = marker->coordinator_epoch;
    e.last_timestamp = h.max_timestamp;
  } else {
    if (e.current_txn_first_offset >= 0 && !h.is_transactional() && origin != AppendOrigin::replication)
      return make_error(ErrorCode::INVALID_TXN_STATE,
                        fmt::format("Expected transactional write from producer {} at offset {}", pid, h.base_offset));
    e.batches.push_back(ProducerBatch{h.base_sequence, last_sequence(h), h.base_offset, h.last_offset(), h.max_timestamp});
    while (e.batches.size() > kProducerBatchesRetained) e.batches.pop_front();
    e.last_timestamp = h.max_timestamp;
    if (e.current_txn_first_offset < 0 && h.is_transactional()) {
      e.current_txn_first_offset = h.base_offset;
      u.started.emplace_back(h.base_offset, pid);
    }
  }
  u.entries[pid] = std::move(e);
  return Status::OK();
}

std::vector<std::pair<CompletedTxn, int64_t>> ProducerStateManager::apply(Update&& u) {
  for (const auto& [first, pid] : u.started) ongoing_[first] = pid;
  for (auto& [pid, e] : u.entries) producers_[pid] = std::move(e);
  std::vector<std::pair<CompletedTxn, int64_t>> done;
  for (const auto& c : u.completed) {
    done.emplace_back(c, last_stable_offset_after(c));
    if (auto it = ongoing_.find(c.first_offset); it != ongoing_.end() && it->second == c.producer_id) ongoing_.erase(it);
    unreplicated_[c.first_offset] = c;
  }
  return done;
}

std::optional<int64_t> ProducerStateManager::first_unstable_offset() const {
  std::optional<int64_t> out;
  if (!ongoing_.empty()) out = ongoing_.begin()->first;
  if (!unreplicated_.empty() && (!out || unreplicated_.begin()->first < *out)) out = unreplicated_.begin()->first;
  return out;
}

void ProducerStateManager::on_high_watermark(int64_t hw) {
  for (auto it = unreplicated_.begin(); it != unreplicated_.end();) {
    if (it->second.last_offset < hw) it = unreplicated_.erase(it);
    else ++it;
  }
}

int64_t ProducerStateManager::last_stable_offset_after(const CompletedTxn& txn) const {
  for (const auto& [first, pid] : ongoing_)
    if (pid != txn.producer_id) return first;
  return txn.last_offset + 1;
}

size_t ProducerStateManager::remove_expired(int64_t now_ms, int64_t expiration_ms) {
  size_t n = 0;
  for (auto it = producers_.begin(); it != producers_.end();) {
    const auto& e = it->second;
    if (e.current_txn_first_offset < 0 && now_ms - e.last_timestamp >= expiration_ms) {
      it = producers_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

void ProducerStateManager::reset(std::map<int64_t, ProducerEntry> entries) {
  producers_ = std::move(entries);
  ongoing_.clear();
  unreplicated_.clear();
  for (const auto& [pid, e] : producers_)
    if (e.current_txn_first_offset >= 0) ongoing_[e.current_txn_first_offset] = pid;
}

}  // namespace gregor::storage
