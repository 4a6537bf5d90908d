// AddPartitionsToTxn (24), v0-v3 (clients): adds partitions to the producer's transaction at
// its coordinator. A partition that does not exist gets UNKNOWN_TOPIC_OR_PARTITION and the
// others OPERATION_NOT_ATTEMPTED, with nothing written; otherwise every partition gets the
// coordinator's answer (PRODUCER_FENCED as INVALID_PRODUCER_EPOCH before v2). The batched
// broker-to-broker form (v4+, KIP-890 verification) is not served.
#include <map>

#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/txn_call.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

using model::ErrorCode;

asio::awaitable<net::HandlerResult> add_partitions_to_txn(RequestContext& ctx) {
  auto req = decode_body<proto::AddPartitionsToTxnRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  const auto& image = *broker.local().image;
  std::vector<txn::TopicPartition> partitions;
  bool unknown = false;
  for (const auto& t : req->v3_and_below_topics) {
    const auto* info = image.find_topic(t.name);
    for (int32_t p : t.partitions) {
      if (!info || p < 0 || size_t(p) >= info->partitions.size()) unknown = true;
      partitions.push_back(txn::TopicPartition{t.name, p});
    }
  }
  std::map<txn::TopicPartition, int16_t> errors;
  if (unknown) {
    for (const auto& tp : partitions) {
      const auto* info = image.find_topic(tp.topic);
      bool exists = info && tp.partition >= 0 && size_t(tp.partition) < info->partitions.size();
      errors[tp] = int16_t(exists ? ErrorCode::OPERATION_NOT_ATTEMPTED : ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
    }
  } else {
    const std::string& id = req->v3_and_below_transactional_id;
    ErrorCode e = ErrorCode::INVALID_REQUEST;
    if (!id.empty()) {
      auto fn = [&](txn::TxnPartition& tp, int64_t now, int64_t committed) {
        return tp.add_partitions(id, req->v3_and_below_producer_id, req->v3_and_below_producer_epoch, partitions, now,
                                 committed);
      };
      e = (co_await call_txn(broker, broker.locate_txn(id), fn)).decision.error;
    }
    for (const auto& tp : partitions) errors[tp] = fenced_for_version(e, ctx.version(), 2);
  }
  proto::AddPartitionsToTxnResponse resp;
  for (const auto& t : req->v3_and_below_topics) {
    auto& tr = resp.results_by_topic_v3_and_below.emplace_back();
    tr.name = t.name;
    for (int32_t p : t.partitions) {
      auto& pr = tr.results_by_partition.emplace_back();
      pr.partition_index = p;
      pr.partition_error_code = errors[txn::TopicPartition{t.name, p}];
    }
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
