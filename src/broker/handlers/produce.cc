// Produce (0): appends record batches to partition logs on their owner shards. acks=0 gets no
// response; acks=1 and acks=all are answered after the append (with a replication factor of 1
// the ISR is this node, so the high watermark moves with the append); acks=all is refused with
// NOT_ENOUGH_REPLICAS when the ISR is smaller than min.insync.replicas.
#include <map>

#include "base/clock.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "metadata/log_config.h"
#include "model/batch_iterator.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

namespace {

constexpr int16_t kUnknownTopic = 3, kNotLeaderOrFollower = 6, kNotEnoughReplicas = 19, kInvalidRequiredAcks = 21, kUnknownTopicId = 100,
                  kCorruptMessage = 2, kInvalidRecord = 87;

// Control batches (transaction markers) are written by the broker only.
bool has_control_batch(ByteView records) {
  model::BatchIterator it(records);
  while (auto b = it.next())
    if (b->header.is_control()) return true;
  return false;
}

struct PartitionWork {
  size_t topic_index;
  size_t partition_index;
  std::string topic;
  int32_t partition;
  SharedSlice records;
};

struct PartitionOutcome {
  size_t topic_index;
  size_t partition_index;
  int16_t error = 0;
  std::string message;
  int64_t base_offset = -1;
  int64_t log_append_time = -1;
  int64_t log_start_offset = -1;
};

}  // namespace

asio::awaitable<net::HandlerResult> produce(RequestContext& ctx) {
  auto req = decode_body<proto::ProduceRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  const auto& image = *broker.local().image;
  int16_t acks = req->acks;

  proto::ProduceResponse resp;
  std::map<size_t, std::vector<PartitionWork>> by_shard;
  for (size_t ti = 0; ti < req->topic_data.size(); ++ti) {
    auto& td = req->topic_data[ti];
    proto::ProduceResponse::TopicProduceResponse tr;
    tr.name = td.name;
    tr.topic_id = td.topic_id;
    const metadata::TopicInfo* topic = ctx.version() >= 13 ? image.find_topic(td.topic_id) : image.find_topic(td.name);
    if (topic) td.name = topic->name;
    for (size_t pi = 0; pi < td.partition_data.size(); ++pi) {
      const auto& pd = td.partition_data[pi];
      proto::ProduceResponse::PartitionProduceResponse pr;
      pr.index = pd.index;
      pr.base_offset = -1;
      if (acks != 0 && acks != 1 && acks != -1) {
        pr.error_code = kInvalidRequiredAcks;
      } else if (!topic || pd.index < 0 || size_t(pd.index) >= topic->partitions.size()) {
        pr.error_code = ctx.version() >= 13 && !topic ? kUnknownTopicId : kUnknownTopic;
      } else if (pd.records.is_null() || pd.records.empty() || !pd.records.single_slice()) {
        pr.error_code = kCorruptMessage;
      } else if (has_control_batch(pd.records.single_slice()->view())) {
        pr.error_code = kInvalidRecord;
        pr.error_message = "Clients are not allowed to write control records";
      } else {
        by_shard[broker.owner_of(topic->name, pd.index)].push_back(
            PartitionWork{ti, pi, topic->name, pd.index, *pd.records.single_slice()});
      }
      tr.partition_responses.push_back(std::move(pr));
    }
    resp.responses.push_back(std::move(tr));
  }

  for (auto& [shard, work] : by_shard) {
    auto outcomes = co_await broker.shards().invoke_on(shard, [&broker, sh = shard, w_ptr = &work, acks] {
      std::vector<PartitionOutcome> out;
      auto& st = broker.state(sh);
      int64_t now = wall_ms();
      for (const auto& w : *w_ptr) {
        PartitionOutcome o{w.topic_index, w.partition_index};
        Partition* p = st.find(w.topic, w.partition);
        if (!p || p->leader != broker.options().node_id) {
          // The topic exists (checked above) but this broker does not lead the partition.
          o.error = kNotLeaderOrFollower;
          out.push_back(o);
          continue;
        }
        if (acks == -1) {
          const auto* t = st.image->find_topic(w.topic);
          auto min_isr = st.config.resolve_topic("min.insync.replicas", t ? t->configs : metadata::ConfigMap{});
          if (int64_t(p->isr.size()) < metadata::parse_long(min_isr.value.value_or("1"))) {
            o.error = kNotEnoughReplicas;
            o.message = "The size of the current ISR is insufficient to satisfy the min.isr requirement";
            out.push_back(o);
            continue;
          }
        }
        auto appended = p->log->append(w.records.view(), p->leader_epoch, now);
        if (!appended.ok()) {
          o.error = appended.error().code;
          o.message = appended.error().message;
        } else {
          o.base_offset = appended->first_offset;
          o.log_append_time = appended->log_append_time;
          broker.notify_waiters(*p);
        }
        o.log_start_offset = p->log->log_start_offset();
        out.push_back(o);
      }
      return out;
    });
    for (const auto& o : outcomes) {
      auto& pr = resp.responses[o.topic_index].partition_responses[o.partition_index];
      pr.error_code = o.error;
      pr.base_offset = o.base_offset;
      pr.log_append_time_ms = o.log_append_time;
      pr.log_start_offset = o.log_start_offset;
      if (!o.message.empty()) pr.error_message = o.message;
    }
  }
  if (acks == 0) co_return no_response();
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
