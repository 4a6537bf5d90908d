// OffsetFetch (9): committed offsets of one group (v1-v7) or several (v8+), for named
// partitions or, with null topics (v2+), every partition the group has committed. A partition
// with no committed offset answers offset -1. Topics are named by id from v10. With
// require_stable (v7+), a partition with a pending transactional offset answers
// UNSTABLE_OFFSET_COMMIT.
#include <map>

#include "broker/group_call.h"
#include "broker/handlers/group_common.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

namespace {

struct Wanted {
  std::string topic;  // "" when the id is unknown (v10)
  proto::Uuid id;
  std::vector<int32_t> partitions;
};

struct GroupOffsets {
  int16_t error = 0;
  std::vector<group::FetchedOffset> offsets;
};

// Fetches the offsets of one group; `wanted` nullopt = all of them.
asio::awaitable<GroupOffsets> fetch_group(Broker& broker, const std::string& group_id,
                                          const std::optional<std::vector<Wanted>>& wanted, bool require_stable) {
  if (group_id.empty()) co_return GroupOffsets{int16_t(ErrorCode::INVALID_GROUP_ID), {}};
  std::optional<std::vector<group::TopicPartition>> tps;
  if (wanted) {
    tps.emplace();
    for (const auto& w : *wanted)
      if (!w.topic.empty())
        for (int32_t p : w.partitions) tps->push_back(group::TopicPartition{w.topic, p});
  }
  auto fn = [&](group::GroupPartition& gp, int64_t) {
    return gp.manager().fetch_offsets(group_id, tps, require_stable);
  };
  auto call = co_await call_group(broker, group_id, fn);
  co_return GroupOffsets{call.error, std::move(call.value)};
}

template <class Partition>
Partition partition_result(int32_t index, const group::FetchedOffset* f, int16_t error) {
  Partition p;
  p.partition_index = index;
  p.committed_offset = f ? f->offset : -1;
  p.committed_leader_epoch = f ? f->leader_epoch : -1;
  p.metadata = f ? f->metadata : std::string();
  p.error_code = f && f->error != ErrorCode::NONE ? int16_t(f->error) : error;
  return p;
}

// Builds the topic list of a response: in request order when topics were named, else every
// committed offset grouped by topic. TopicT is the response's topic struct of that version.
template <class TopicT, class PartitionT>
std::vector<TopicT> build_topics(const std::optional<std::vector<Wanted>>& wanted, const GroupOffsets& got,
                                 const metadata::Image& image, bool by_id, int16_t partition_error) {
  std::map<group::TopicPartition, const group::FetchedOffset*> found;
  for (const auto& f : got.offsets) found[f.tp] = &f;
  std::vector<TopicT> out;
  if (wanted) {
    for (const auto& w : *wanted) {
      TopicT t;
      t.name = w.topic;
      if constexpr (requires { t.topic_id; }) t.topic_id = w.id;
      for (int32_t p : w.partitions) {
        if (w.topic.empty()) {
          t.partitions.push_back(partition_result<PartitionT>(p, nullptr, int16_t(ErrorCode::UNKNOWN_TOPIC_ID)));
          continue;
        }
        auto it = found.find(group::TopicPartition{w.topic, p});
        t.partitions.push_back(
            partition_result<PartitionT>(p, it == found.end() ? nullptr : it->second, partition_error));
      }
      out.push_back(std::move(t));
    }
    return out;
  }
  for (const auto& f : got.offsets) {
    proto::Uuid id;
    if (by_id) {
      const auto* info = image.find_topic(f.tp.topic);
      if (!info) continue;  // the topic is gone: nothing to name it by
      id = info->id;
    }
    if (out.empty() || out.back().name != f.tp.topic) {
      TopicT t;
      t.name = f.tp.topic;
      if constexpr (requires { t.topic_id; }) t.topic_id = id;
      out.push_back(std::move(t));
    }
    out.back().partitions.push_back(partition_result<PartitionT>(f.tp.partition, &f, partition_error));
  }
  return out;
}

}  // namespace

asio::awaitable<net::HandlerResult> offset_fetch(RequestContext& ctx) {
  auto req = decode_body<proto::OffsetFetchRequest>(ctx);
  if (!req) co_return close_connection();
  const int16_t v = ctx.version();
  const auto& image = *ctx.broker.local().image;
  proto::OffsetFetchResponse resp;

  if (v < 8) {
    std::optional<std::vector<Wanted>> wanted;
    if (req->topics) {
      wanted.emplace();
      for (const auto& t : *req->topics) wanted->push_back(Wanted{t.name, {}, t.partition_indexes});
    }
    auto got = co_await fetch_group(ctx.broker, req->group_id, wanted, v >= 7 && req->require_stable);
    // v0-1 have no top-level error: the group's error goes to every partition. (Kafka 3.9 read
    // v0 from ZooKeeper; Gregor answers it from the group coordinator, as v1.)
    int16_t partition_error = v < 2 ? got.error : int16_t(0);
    if (got.error != 0 && v >= 2) {
      resp.error_code = got.error;
    } else {
      resp.topics = build_topics<proto::OffsetFetchResponse::OffsetFetchResponseTopic,
                                 proto::OffsetFetchResponse::OffsetFetchResponsePartition>(
          wanted, got.error != 0 ? GroupOffsets{} : got, image, false, partition_error);
    }
    co_return respond(ctx, resp);
  }

  for (const auto& g : req->groups) {
    std::optional<std::vector<Wanted>> wanted;
    if (g.topics) {
      wanted.emplace();
      for (const auto& t : *g.topics) {
        Wanted w{t.name, t.topic_id, t.partition_indexes};
        if (v >= 10) {
          const auto* info = image.find_topic(t.topic_id);
          w.topic = info ? info->name : std::string();
        }
        wanted->push_back(std::move(w));
      }
    }
    auto got = co_await fetch_group(ctx.broker, g.group_id, wanted, req->require_stable);
    proto::OffsetFetchResponse::OffsetFetchResponseGroup rg;
    rg.group_id = g.group_id;
    rg.error_code = got.error;
    if (got.error == 0)
      rg.topics = build_topics<proto::OffsetFetchResponse::OffsetFetchResponseTopics,
                               proto::OffsetFetchResponse::OffsetFetchResponsePartitions>(wanted, got, image, v >= 10,
                                                                                          0);
    resp.groups.push_back(std::move(rg));
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
