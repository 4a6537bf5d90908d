// describe(): one-line text for a Raft request or response, for simulation traces
// (GREGOR_RAFT_TRACE / GREGOR_RAFT_MSGS). Test-only. Thread-safety: pure functions.
#pragma once

#include <fmt/format.h>

#include <string>

#include "raft/messages.h"

namespace gregor::raft::sim {

inline std::string describe(const Request& r) {
  return std::visit([](const auto& x) -> std::string {
    using T = std::decay_t<decltype(x)>;
    if constexpr (std::is_same_v<T, VoteRequest>)
      return fmt::format("Vote(e{} c{} last e{} o{} pre{})", x.epoch, x.candidate_id, x.last_epoch, x.last_epoch_end_offset, x.pre_vote);
    else if constexpr (std::is_same_v<T, FetchRequest>)
      return fmt::format("Fetch(e{} off{} last e{})", x.epoch, x.fetch_offset, x.last_fetched_epoch);
    else if constexpr (std::is_same_v<T, FetchSnapshotRequest>)
      return fmt::format("FetchSnapshot(e{} id {}/{} pos{})", x.epoch, x.snapshot_id.end_offset, x.snapshot_id.epoch, x.position);
    else return fmt::format("{}(e{} L{})", request_name(Request(x)), x.epoch, x.leader_id);
  }, r);
}
inline std::string describe(const Response& r) {
  return std::visit([](const auto& x) -> std::string {
    using T = std::decay_t<decltype(x)>;
    if constexpr (std::is_same_v<T, VoteResponse>)
      return fmt::format("VoteResp(err{} e{} L{} granted{})", x.error, x.epoch, x.leader_id, x.vote_granted);
    else if constexpr (std::is_same_v<T, FetchResponse>)
      return fmt::format("FetchResp(err{} e{} L{} hw{} div{} snap{} batches{})", x.error, x.epoch, x.leader_id, x.high_watermark,
                         x.diverging_epoch ? fmt::format("{}/{}", x.diverging_epoch->epoch, x.diverging_epoch->end_offset) : "-",
                         x.snapshot_id ? fmt::format("{}/{}", x.snapshot_id->end_offset, x.snapshot_id->epoch) : "-",
                         x.batches.size());
    else return fmt::format("Resp{}(err{} e{} L{})", Response(x).index(), x.error, x.epoch, x.leader_id);
  }, r);
}

}  // namespace gregor::raft::sim
