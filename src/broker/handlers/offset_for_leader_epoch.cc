// OffsetForLeaderEpoch (23): for each partition, the largest leader epoch this leader knows at
// or below the requested one and the offset where it ended (the log end offset for the current
// epoch), from the partition's leader-epoch-checkpoint. Consumers use it after a leader change
// to detect truncation (KIP-320); served by the leader only, with the current-leader-epoch
// checks of Fetch (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH / NOT_LEADER_OR_FOLLOWER).
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"
#include "replication/divergence.h"

namespace gregor::broker::handlers {

namespace {
constexpr int16_t kUnknownTopic = 3, kNotLeaderOrFollower = 6;
}

asio::awaitable<net::HandlerResult> offset_for_leader_epoch(RequestContext& ctx) {
  auto req = decode_body<proto::OffsetForLeaderEpochRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  proto::OffsetForLeaderEpochResponse resp;
  for (const auto& t : req->topics) {
    auto& tr = resp.topics.emplace_back();
    tr.topic = t.topic;
    for (const auto& p : t.partitions) {
      size_t shard = broker.owner_of(t.topic, p.partition);
      auto answer = co_await broker.shards().invoke_on(shard, [&broker, shard, &t, &p] {
        auto& st = broker.state(shard);
        Partition* part = st.find(t.topic, p.partition);
        if (!part) {
          const auto* topic = st.image->find_topic(t.topic);
          bool exists = topic && p.partition >= 0 && size_t(p.partition) < topic->partitions.size();
          return replication::OffsetForLeaderEpochAnswer{exists ? kNotLeaderOrFollower : kUnknownTopic};
        }
        std::vector<replication::EpochEntry> epochs;
        for (const auto& e : part->log->epochs().entries()) epochs.push_back({e.epoch, e.start_offset});
        replication::LeaderLogView view{{part->is_leader(), part->leader_epoch}, epochs,
                                        part->log->log_start_offset(), part->log->log_end_offset()};
        return replication::offset_for_leader_epoch(view, p.current_leader_epoch, p.leader_epoch);
      });
      auto& pr = tr.partitions.emplace_back();
      pr.partition = p.partition;
      pr.error_code = answer.error_code;
      pr.leader_epoch = answer.leader_epoch;
      pr.end_offset = answer.end_offset;
    }
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
