// DescribeTopicPartitions (75, KIP-966): the topics' partitions (leader, epoch, replicas, ISR,
// offline replicas), paged as Kafka pages them: topics in name order (all topics when none is
// named), at most min(ResponsePartitionLimit, max.request.partition.size.limit) partitions per
// response, and a NextCursor naming the first topic and partition not returned. Unknown
// topics are listed with UNKNOWN_TOPIC_OR_PARTITION. Java's Admin.describeTopics uses it.
#include <algorithm>

#include "base/clock.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "model/error_code.h"
#include "protocol/generated/messages.h"
#include "storage/partition_dir.h"

namespace gregor::broker::handlers {

using model::ErrorCode;

asio::awaitable<net::HandlerResult> describe_topic_partitions(RequestContext& ctx) {
  auto req = decode_body<proto::DescribeTopicPartitionsRequest>(ctx);
  if (!req) co_return close_connection();
  const auto& image = *ctx.broker.local().image;
  const int32_t not_leading = ctx.broker.session_valid(mono_ms()) ? -1 : ctx.broker.options().node_id;
  using Resp = proto::DescribeTopicPartitionsResponse;
  Resp resp;

  std::vector<std::string> names;
  if (req->topics.empty()) {
    for (const auto& [name, t] : image.topics) names.push_back(name);
  } else {
    for (const auto& t : req->topics) names.push_back(t.name);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());

  const int64_t broker_limit = ctx.broker.local().config.get_long("max.request.partition.size.limit");
  int64_t budget = std::max<int64_t>(1, std::min<int64_t>(req->response_partition_limit, broker_limit));
  std::string cursor_topic;
  int32_t cursor_partition = 0;
  if (req->cursor) {
    cursor_topic = req->cursor->topic_name;
    cursor_partition = std::max(0, req->cursor->partition_index);
  }
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (!cursor_topic.empty() && name < cursor_topic) continue;
    const metadata::TopicInfo* t = image.find_topic(name);
    Resp::DescribeTopicPartitionsResponseTopic out;
    out.name = name;
    if (!t) {
      out.error_code = int16_t(storage::validate_topic_name(name).ok() ? ErrorCode::UNKNOWN_TOPIC_OR_PARTITION
                                                                        : ErrorCode::INVALID_TOPIC_EXCEPTION);
      resp.topics.push_back(std::move(out));
      continue;
    }
    out.topic_id = t->id;
    out.is_internal = t->internal;
    int32_t first = name == cursor_topic ? cursor_partition : 0;
    int32_t p = first;
    for (; p < int32_t(t->partitions.size()); ++p) {
      if (budget == 0) break;
      const auto& info = t->partitions[size_t(p)];
      Resp::DescribeTopicPartitionsResponsePartition rp;
      rp.partition_index = p;
      const auto* leader = image.find_broker(info.leader);
      rp.leader_id = leader && !leader->fenced && info.leader != not_leading ? info.leader : -1;
      rp.leader_epoch = info.leader_epoch;
      rp.replica_nodes = info.replicas;
      rp.isr_nodes = info.isr;
      rp.eligible_leader_replicas = std::vector<int32_t>{};
      rp.last_known_elr = std::vector<int32_t>{};
      for (int32_t r : info.replicas) {
        const auto* b = image.find_broker(r);
        if (!b || b->fenced) rp.offline_replicas.push_back(r);
      }
      rp.error_code = rp.leader_id < 0 ? int16_t(ErrorCode::LEADER_NOT_AVAILABLE) : 0;
      out.partitions.push_back(std::move(rp));
      --budget;
    }
    resp.topics.push_back(std::move(out));
    if (p < int32_t(t->partitions.size())) {
      resp.next_cursor = Resp::Cursor{name, p};
      break;
    }
    if (budget == 0) {
      // The limit fell on a topic's end: unknown topics up to the next existing one are still
      // answered (they cost nothing); that one is the cursor.
      for (size_t j = i + 1; j < names.size(); ++j) {
        if (image.find_topic(names[j])) {
          resp.next_cursor = Resp::Cursor{names[j], 0};
          break;
        }
        Resp::DescribeTopicPartitionsResponseTopic missing;
        missing.name = names[j];
        missing.error_code = int16_t(storage::validate_topic_name(names[j]).ok() ? ErrorCode::UNKNOWN_TOPIC_OR_PARTITION
                                                                                 : ErrorCode::INVALID_TOPIC_EXCEPTION);
        resp.topics.push_back(std::move(missing));
      }
      break;
    }
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
