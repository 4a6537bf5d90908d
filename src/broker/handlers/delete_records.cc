// DeleteRecords (21): moves partitions' log start offsets forward (offset -1 = the high
// watermark); whole segments below the new start are deleted. OFFSET_OUT_OF_RANGE beyond the
// high watermark; the response's low watermark is the new log start offset.
#include <map>

#include "base/clock.h"
#include "broker/broker.h"
#include "broker/handlers/group_common.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

namespace {
struct Work {
  size_t topic_index, partition_index;
  std::string topic;
  int32_t partition;
  int64_t offset;
};
struct Outcome {
  size_t topic_index, partition_index;
  int16_t error = 0;
  int64_t low_watermark = -1;
};
}  // namespace

asio::awaitable<net::HandlerResult> delete_records(RequestContext& ctx) {
  auto req = decode_body<proto::DeleteRecordsRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  const auto& image = *broker.local().image;
  proto::DeleteRecordsResponse resp;
  std::map<size_t, std::vector<Work>> by_shard;
  for (size_t ti = 0; ti < req->topics.size(); ++ti) {
    const auto& t = req->topics[ti];
    proto::DeleteRecordsResponse::DeleteRecordsTopicResult rt;
    rt.name = t.name;
    const auto* info = image.find_topic(t.name);
    for (size_t pi = 0; pi < t.partitions.size(); ++pi) {
      const auto& p = t.partitions[pi];
      proto::DeleteRecordsResponse::DeleteRecordsPartitionResult rp;
      rp.partition_index = p.partition_index;
      rp.low_watermark = -1;
      if (!info || p.partition_index < 0 || size_t(p.partition_index) >= info->partitions.size()) {
        rp.error_code = int16_t(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
      } else {
        by_shard[broker.owner_of(t.name, p.partition_index)].push_back(
            Work{ti, pi, t.name, p.partition_index, p.offset});
      }
      rt.partitions.push_back(rp);
    }
    resp.topics.push_back(std::move(rt));
  }
  for (auto& [shard, work] : by_shard) {
    const std::vector<Work>* wp = &work;
    auto outcomes = co_await broker.shards().invoke_on(shard, [&broker, wp] {
      std::vector<Outcome> out;
      auto& st = broker.local();
      for (const auto& w : *wp) {
        Outcome o{w.topic_index, w.partition_index};
        Partition* p = st.find(w.topic, w.partition);
        if (!p || !broker.acts_as_leader(*p, mono_ms())) {
          o.error = int16_t(ErrorCode::NOT_LEADER_OR_FOLLOWER);
        } else {
          int64_t target = w.offset == -1 ? p->high_watermark() : w.offset;
          if (target < 0 || target > p->high_watermark()) {
            o.error = int16_t(ErrorCode::OFFSET_OUT_OF_RANGE);
          } else if (auto s = p->log->advance_log_start_offset(target); !s.ok()) {
            o.error = s.error().code;
          }
          o.low_watermark = p->log->log_start_offset();
        }
        out.push_back(o);
      }
      return out;
    });
    for (const auto& o : outcomes) {
      auto& rp = resp.topics[o.topic_index].partitions[o.partition_index];
      rp.error_code = o.error;
      rp.low_watermark = o.low_watermark;
    }
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
