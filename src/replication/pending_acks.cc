#include "replication/pending_acks.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/assert.h"
#include "model/error_code.h"

namespace gregor::replication {

using model::ErrorCode;

PendingAcks::PendingAcks(size_t capacity) : capacity_(capacity) { GREGOR_ASSERT(capacity > 0); }

Status PendingAcks::add(const PendingAck& ack) {
  if (entries_.size() >= capacity_) {
    return model::make_error(ErrorCode::REQUEST_TIMED_OUT,
                             fmt::format("{} acks=all produces already waiting for replication", entries_.size()));
  }
  // Usually appended at the back (appends complete in offset order); stable for equal offsets.
  auto pos = std::upper_bound(entries_.begin(), entries_.end(), ack.required_offset,
                              [](int64_t off, const PendingAck& a) { return off < a.required_offset; });
  entries_.insert(pos, ack);
  return Status::OK();
}

std::vector<AckCompletion> PendingAcks::complete_reached(int64_t high_watermark, int16_t reached_error_code) {
  std::vector<AckCompletion> out;
  while (!entries_.empty() && entries_.front().required_offset <= high_watermark) {
    out.push_back({entries_.front().token, reached_error_code});
    entries_.pop_front();
  }
  return out;
}

std::vector<AckCompletion> PendingAcks::expire(int64_t now_ms) {
  std::vector<AckCompletion> out;
  auto keep = std::stable_partition(entries_.begin(), entries_.end(),
                                    [&](const PendingAck& a) { return a.deadline_ms > now_ms; });
  for (auto it = keep; it != entries_.end(); ++it) {
    out.push_back({it->token, model::to_int(ErrorCode::REQUEST_TIMED_OUT)});
  }
  entries_.erase(keep, entries_.end());
  return out;
}

std::vector<AckCompletion> PendingAcks::fail_all(int16_t error_code) {
  std::vector<AckCompletion> out;
  out.reserve(entries_.size());
  for (const PendingAck& a : entries_) out.push_back({a.token, error_code});
  entries_.clear();
  return out;
}

std::optional<int64_t> PendingAcks::next_deadline_ms() const {
  if (entries_.empty()) return std::nullopt;
  int64_t earliest = entries_.front().deadline_ms;
  for (const PendingAck& a : entries_) earliest = std::min(earliest, a.deadline_ms);
  return earliest;
}

}  // namespace gregor::replication
