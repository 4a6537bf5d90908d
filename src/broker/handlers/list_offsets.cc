// ListOffsets (2): earliest (-2), latest (-1), max timestamp (-3), earliest local (-4) and
// by-timestamp lookups, answered by the partition's owner shard. v0 (old clients, e.g. burrow)
// answers a list of up to MaxNumOffsets offsets, newest first (Log::offsets_before), a consumer's
// capped at the high watermark; timestamps below -2 are UNSUPPORTED_VERSION there, as in Kafka.
#include <algorithm>

#include "base/clock.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

namespace {
constexpr int16_t kUnknownTopic = 3, kNotLeaderOrFollower = 6, kUnsupportedVersion = 35, kFencedLeaderEpoch = 74,
                  kUnknownLeaderEpoch = 75;
constexpr int64_t kLatest = -1, kEarliest = -2, kMaxTimestamp = -3, kEarliestLocal = -4, kLatestTiered = -5;

struct Answer {
  int16_t error = 0;
  int64_t timestamp = -1;
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::vector<int64_t> old_style_offsets;  // v0
};
}  // namespace

asio::awaitable<net::HandlerResult> list_offsets(RequestContext& ctx) {
  auto req = decode_body<proto::ListOffsetsRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  proto::ListOffsetsResponse resp;
  const bool v0 = ctx.version() == 0;
  for (const auto& t : req->topics) {
    proto::ListOffsetsResponse::ListOffsetsTopicResponse tr;
    tr.name = t.name;
    for (const auto& p : t.partitions) {
      size_t shard = broker.owner_of(t.name, p.partition_index);
      const bool from_replica = req->replica_id >= 0;
      const bool read_committed = req->isolation_level == 1;
      const bool consumer = req->replica_id == -1;  // v0 caps only a consumer's (not -2, debugging) answer
      auto a = co_await broker.shards().invoke_on(shard, [&broker, shard, &t, &p, from_replica, read_committed, v0,
                                                         consumer] {
        Answer a;
        auto& st = broker.state(shard);
        Partition* part = st.find(t.name, p.partition_index);
        if (!part) {
          const auto* topic = st.image->find_topic(t.name);
          bool exists = topic && p.partition_index >= 0 && size_t(p.partition_index) < topic->partitions.size();
          return Answer{exists ? kNotLeaderOrFollower : kUnknownTopic};
        }
        if (p.current_leader_epoch >= 0 && p.current_leader_epoch < part->leader_epoch) return Answer{kFencedLeaderEpoch};
        if (p.current_leader_epoch > part->leader_epoch) return Answer{kUnknownLeaderEpoch};
        if (!broker.acts_as_leader(*part, mono_ms())) return Answer{kNotLeaderOrFollower};
        a.leader_epoch = part->leader_epoch;
        // Consumers see up to the high watermark; read_committed ones up to the last stable offset.
        const int64_t visible = read_committed ? part->last_stable_offset() : part->high_watermark();
        if (v0) {
          if (p.timestamp < kEarliest) return Answer{kUnsupportedVersion};
          auto offsets = part->log->offsets_before(p.timestamp, p.max_num_offsets, wall_ms());
          if (consumer && !offsets.empty() && offsets.front() > visible) {
            // Newest first: the ones past what a consumer may see give way to the high watermark.
            auto past = std::find_if(offsets.begin(), offsets.end(), [&](int64_t o) { return o <= visible; });
            offsets.erase(offsets.begin(), past);
            offsets.insert(offsets.begin(), visible);
          }
          a.old_style_offsets = std::move(offsets);
          return a;
        }
        switch (p.timestamp) {
          case kLatest:
          case kLatestTiered:
            // A follower asks for the leader's log end.
            a.offset = from_replica ? part->log->log_end_offset() : visible;
            break;
          case kEarliest:
          case kEarliestLocal:
            a.offset = part->log->log_start_offset();
            break;
          case kMaxTimestamp: {
            auto [ts, off] = part->log->max_timestamp_and_offset();
            a.timestamp = ts;
            a.offset = off;
            break;
          }
          default: {
            auto found = part->log->offset_for_timestamp(p.timestamp);
            if (!found.ok()) return Answer{found.error().code};
            if (found->has_value() && (*found)->first < visible) {
              a.offset = (*found)->first;
              a.timestamp = (*found)->second;
            }
          }
        }
        return a;
      });
      proto::ListOffsetsResponse::ListOffsetsPartitionResponse pr;
      pr.partition_index = p.partition_index;
      pr.error_code = a.error;
      pr.timestamp = a.timestamp;
      pr.offset = a.offset;
      pr.leader_epoch = a.leader_epoch;
      pr.old_style_offsets = std::move(a.old_style_offsets);
      tr.partitions.push_back(pr);
    }
    resp.topics.push_back(std::move(tr));
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
