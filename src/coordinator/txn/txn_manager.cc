#include "coordinator/txn/txn_manager.h"

namespace gregor::txn {

namespace {

constexpr int16_t kNoEpoch = -1;
constexpr int16_t kMaxEpoch = INT16_MAX;

bool epoch_exhausted(int16_t epoch) { return epoch >= kMaxEpoch - 1; }

Decision fail(ErrorCode e) {
  Decision d;
  d.error = e;
  return d;
}

}  // namespace

const TxnMetadata* TxnManager::find(const std::string& id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second.meta;
}

const std::map<std::string, TxnMetadata> TxnManager::all() const {
  std::map<std::string, TxnMetadata> out;
  for (const auto& [id, e] : entries_) out.emplace(id, e.meta);
  return out;
}

void TxnManager::install(const TxnWrite& write, int64_t next_offset) {
  if (!write.value) {
    entries_.erase(write.transactional_id);
    preparing_.erase(write.transactional_id);
    return;
  }
  if (is_prepare(write.value->state))
    preparing_.insert(write.transactional_id);
  else
    preparing_.erase(write.transactional_id);
  Entry& e = entries_[write.transactional_id];
  const bool same_prepare = is_prepare(e.meta.state) && e.meta.state == write.value->state &&
                            e.meta.producer_epoch == write.value->producer_epoch;
  e.meta = *write.value;
  e.meta.transactional_id = write.transactional_id;
  e.pending_until = std::max(e.pending_until, next_offset);
  if (!same_prepare) e.markers_in_flight = false;
}

Decision TxnManager::init_producer_id(const std::string& id, int32_t timeout_ms, int64_t expected_id,
                                      int16_t expected_epoch, std::optional<int64_t> fresh_id, int64_t now_ms,
                                      int64_t committed) {
  if (timeout_ms <= 0 || timeout_ms > config_.max_timeout_ms) return fail(ErrorCode::INVALID_TRANSACTION_TIMEOUT);
  const bool expected = expected_id >= 0 && expected_epoch >= 0;
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    if (!fresh_id) {
      Decision d;
      d.needs_producer_id = true;
      return d;
    }
    TxnMetadata m;
    m.transactional_id = id;
    m.producer_id = *fresh_id;
    m.producer_epoch = 0;
    m.timeout_ms = timeout_ms;
    m.state = TxnState::Empty;
    m.last_update_ms = now_ms;
    Decision d;
    d.producer_id = m.producer_id;
    d.producer_epoch = m.producer_epoch;
    d.write = TxnWrite{id, m};
    return d;
  }
  const Entry& e = it->second;
  const TxnMetadata& cur = e.meta;
  if (pending(e, committed)) return fail(ErrorCode::CONCURRENT_TRANSACTIONS);
  // KIP-360: a producer that names its current id and epoch may only re-initialise its own.
  if (expected && !(cur.producer_epoch == kNoEpoch || expected_id == cur.producer_id ||
                    (expected_id == cur.last_producer_id && epoch_exhausted(expected_epoch))))
    return fail(ErrorCode::PRODUCER_FENCED);
  switch (cur.state) {
    case TxnState::PrepareCommit:
    case TxnState::PrepareAbort:
    case TxnState::PrepareEpochFence:
    case TxnState::Dead:
      return fail(ErrorCode::CONCURRENT_TRANSACTIONS);
    case TxnState::Ongoing: {
      // Abort the open transaction first (fencing its producer); the client retries and then
      // gets a second bump.
      Decision d;
      d.error = ErrorCode::CONCURRENT_TRANSACTIONS;
      d.write = fence_and_abort(e, now_ms);
      return d;
    }
    case TxnState::Empty:
    case TxnState::CompleteCommit:
    case TxnState::CompleteAbort:
      break;
  }
  TxnMetadata m = cur;
  m.timeout_ms = timeout_ms;
  m.state = TxnState::Empty;
  m.partitions.clear();
  m.txn_start_ms = -1;
  m.last_update_ms = now_ms;
  if (epoch_exhausted(cur.producer_epoch) && (!expected || expected_epoch == cur.producer_epoch)) {
    if (!fresh_id) {
      Decision d;
      d.needs_producer_id = true;
      return d;
    }
    m.last_producer_id = cur.producer_id;
    m.producer_id = *fresh_id;
    m.last_producer_epoch = expected ? cur.producer_epoch : kNoEpoch;
    m.producer_epoch = 0;
  } else if (!expected || cur.producer_epoch == kNoEpoch || expected_epoch == cur.producer_epoch) {
    m.last_producer_epoch = expected ? cur.producer_epoch : kNoEpoch;
    m.producer_epoch = int16_t(cur.producer_epoch + 1);
  } else if (expected_epoch == cur.last_producer_epoch) {
    // A retry whose answer was lost: the epoch it got already.
    Decision d;
    d.producer_id = cur.producer_id;
    d.producer_epoch = cur.producer_epoch;
    return d;
  } else {
    return fail(ErrorCode::PRODUCER_FENCED);
  }
  Decision d;
  d.producer_id = m.producer_id;
  d.producer_epoch = m.producer_epoch;
  d.write = TxnWrite{id, m};
  return d;
}

Decision TxnManager::add_partitions(const std::string& id, int64_t producer_id, int16_t epoch,
                                    const std::vector<TopicPartition>& partitions, int64_t now_ms,
                                    int64_t committed) {
  ErrorCode error = ErrorCode::NONE;
  const Entry* found = producer_entry(id, producer_id, epoch, committed, error);
  if (!found) return fail(error);
  const Entry& e = *found;
  if (is_prepare(e.meta.state) || e.meta.state == TxnState::PrepareEpochFence || e.meta.state == TxnState::Dead)
    return fail(ErrorCode::CONCURRENT_TRANSACTIONS);
  bool all_there = e.meta.state == TxnState::Ongoing;
  for (const auto& tp : partitions) all_there = all_there && e.meta.partitions.count(tp);
  if (all_there) return Decision{};
  TxnMetadata m = e.meta;
  if (m.state != TxnState::Ongoing) {
    m.partitions.clear();
    m.txn_start_ms = now_ms;
  }
  m.state = TxnState::Ongoing;
  m.partitions.insert(partitions.begin(), partitions.end());
  m.last_update_ms = now_ms;
  Decision d;
  d.write = TxnWrite{id, m};
  return d;
}

Decision TxnManager::end_txn(const std::string& id, int64_t producer_id, int16_t epoch, bool commit, int64_t now_ms,
                             int64_t committed) {
  ErrorCode error = ErrorCode::NONE;
  const Entry* found = producer_entry(id, producer_id, epoch, committed, error);
  if (!found) return fail(error);
  const Entry& e = *found;
  switch (e.meta.state) {
    case TxnState::Ongoing: {
      TxnMetadata m = e.meta;
      m.state = commit ? TxnState::PrepareCommit : TxnState::PrepareAbort;
      m.last_update_ms = now_ms;
      Decision d;
      d.write = TxnWrite{id, m};
      return d;
    }
    case TxnState::CompleteCommit:
      return commit ? Decision{} : fail(ErrorCode::INVALID_TXN_STATE);
    case TxnState::CompleteAbort:
      return commit ? fail(ErrorCode::INVALID_TXN_STATE) : Decision{};
    case TxnState::PrepareCommit:
      return fail(commit ? ErrorCode::CONCURRENT_TRANSACTIONS : ErrorCode::INVALID_TXN_STATE);
    case TxnState::PrepareAbort:
      return fail(commit ? ErrorCode::INVALID_TXN_STATE : ErrorCode::CONCURRENT_TRANSACTIONS);
    case TxnState::Empty:
      return fail(ErrorCode::INVALID_TXN_STATE);
    case TxnState::Dead:
    case TxnState::PrepareEpochFence:
      return fail(ErrorCode::CONCURRENT_TRANSACTIONS);
  }
  return fail(ErrorCode::UNKNOWN_SERVER_ERROR);
}

const TxnManager::Entry* TxnManager::producer_entry(const std::string& id, int64_t producer_id, int16_t epoch,
                                                   int64_t committed, ErrorCode& error) const {
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.meta.producer_id != producer_id) {
    error = ErrorCode::INVALID_PRODUCER_ID_MAPPING;
  } else if (it->second.meta.producer_epoch != epoch) {
    error = ErrorCode::PRODUCER_FENCED;
  } else if (pending(it->second, committed)) {
    error = ErrorCode::CONCURRENT_TRANSACTIONS;
  } else {
    return &it->second;
  }
  return nullptr;
}

TxnWrite TxnManager::fence_and_abort(const Entry& e, int64_t now_ms) const {
  TxnMetadata m = e.meta;
  if (m.producer_epoch < kMaxEpoch) m.producer_epoch = int16_t(m.producer_epoch + 1);
  m.last_producer_epoch = kNoEpoch;
  m.state = TxnState::PrepareAbort;
  m.last_update_ms = now_ms;
  return TxnWrite{m.transactional_id, m};
}

std::vector<TxnWrite> TxnManager::abort_timed_out(int64_t now_ms, int64_t committed) {
  std::vector<TxnWrite> out;
  for (const auto& [id, e] : entries_) {
    if (e.meta.state != TxnState::Ongoing || pending(e, committed)) continue;
    if (e.meta.txn_start_ms >= 0 && now_ms - e.meta.txn_start_ms > e.meta.timeout_ms)
      out.push_back(fence_and_abort(e, now_ms));
  }
  return out;
}

std::vector<TxnWrite> TxnManager::expire_ids(int64_t now_ms, int64_t committed) {
  std::vector<TxnWrite> out;
  for (const auto& [id, e] : entries_) {
    const auto s = e.meta.state;
    if (pending(e, committed) || !(s == TxnState::Empty || is_complete(s))) continue;
    if (now_ms - e.meta.last_update_ms >= config_.id_expiration_ms) out.push_back(TxnWrite{id, std::nullopt});
  }
  return out;
}

std::vector<MarkerJob> TxnManager::ready_markers(int64_t committed) {
  std::vector<MarkerJob> out;
  for (const auto& id : preparing_) {
    Entry& e = entries_.at(id);
    if (e.markers_in_flight || pending(e, committed)) continue;
    e.markers_in_flight = true;
    MarkerJob job{id, e.meta.producer_id, e.meta.producer_epoch, e.meta.state == TxnState::PrepareCommit,
                  std::vector<TopicPartition>(e.meta.partitions.begin(), e.meta.partitions.end())};
    out.push_back(std::move(job));
  }
  return out;
}

std::optional<TxnWrite> TxnManager::markers_done(const MarkerJob& job, int64_t now_ms) {
  auto it = entries_.find(job.transactional_id);
  if (it == entries_.end()) return std::nullopt;
  const auto& m0 = it->second.meta;
  const TxnState want = job.commit ? TxnState::PrepareCommit : TxnState::PrepareAbort;
  if (m0.state != want || m0.producer_id != job.producer_id || m0.producer_epoch != job.producer_epoch)
    return std::nullopt;
  TxnMetadata m = m0;
  m.state = job.commit ? TxnState::CompleteCommit : TxnState::CompleteAbort;
  m.partitions.clear();
  m.txn_start_ms = -1;
  m.last_update_ms = now_ms;
  return TxnWrite{job.transactional_id, m};
}

void TxnManager::markers_failed(const MarkerJob& job) {
  auto it = entries_.find(job.transactional_id);
  if (it != entries_.end() && it->second.meta.producer_epoch == job.producer_epoch)
    it->second.markers_in_flight = false;
}

}  // namespace gregor::txn
