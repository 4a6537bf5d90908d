// DescribeProducers (61): the active producers of each partition as its replica on this
// broker knows them (leader or follower, as in Kafka): producer id and epoch, last sequence,
// last timestamp, the coordinator epoch of its last marker, and the first offset of its open
// transaction.
#include <map>

#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

using model::ErrorCode;

asio::awaitable<net::HandlerResult> describe_producers(RequestContext& ctx) {
  auto req = decode_body<proto::DescribeProducersRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  const auto& image = *broker.local().image;
  proto::DescribeProducersResponse resp;
  for (const auto& t : req->topics) {
    auto& tr = resp.topics.emplace_back();
    tr.name = t.name;
    const auto* info = image.find_topic(t.name);
    for (int32_t index : t.partition_indexes) {
      proto::DescribeProducersResponse::PartitionResponse pr;
      pr.partition_index = index;
      if (!info || index < 0 || size_t(index) >= info->partitions.size()) {
        pr.error_code = int16_t(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
      } else {
        const std::string* name = &t.name;
        pr = co_await broker.shards().invoke_on(broker.owner_of(t.name, index), [&broker, name, index] {
          proto::DescribeProducersResponse::PartitionResponse out;
          out.partition_index = index;
          Partition* p = broker.local().find(*name, index);
          if (!p) {
            out.error_code = int16_t(ErrorCode::NOT_LEADER_OR_FOLLOWER);
            return out;
          }
          for (const auto& [pid, e] : p->log->producer_state().producers()) {
            auto& ps = out.active_producers.emplace_back();
            ps.producer_id = pid;
            ps.producer_epoch = e.epoch;
            ps.last_sequence = e.last_seq();
            ps.last_timestamp = e.last_timestamp;
            ps.coordinator_epoch = e.coordinator_epoch;
            ps.current_txn_start_offset = e.current_txn_first_offset;
          }
          return out;
        });
      }
      tr.partitions.push_back(std::move(pr));
    }
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
