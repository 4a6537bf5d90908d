// DescribeTransactions (65): the coordinator's view of each transactional id: state, timeout,
// start time, producer id and epoch, and the partitions of the open transaction.
// TRANSACTIONAL_ID_NOT_FOUND for an unknown id; NOT_COORDINATOR when another broker
// coordinates it.
#include <map>

#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "coordinator/txn/txn_records.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

using model::ErrorCode;

asio::awaitable<net::HandlerResult> describe_transactions(RequestContext& ctx) {
  auto req = decode_body<proto::DescribeTransactionsRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  proto::DescribeTransactionsResponse resp;
  for (const auto& id : req->transactional_ids) {
    auto& out = resp.transaction_states.emplace_back();
    out.transactional_id = id;
    if (id.empty()) {
      out.error_code = int16_t(ErrorCode::INVALID_REQUEST);
      continue;
    }
    auto where = broker.locate_txn(id);
    if (where.error != 0) {
      out.error_code = where.error;
      continue;
    }
    const std::string* name = &id;
    const int32_t partition = where.partition;
    auto meta = co_await broker.shards().invoke_on(where.shard, [&broker, name, partition]()
                                                                    -> std::pair<int16_t, txn::TxnMetadata> {
      auto& st = broker.local();
      auto it = st.txns.find(partition);
      if (it == st.txns.end()) return {int16_t(ErrorCode::NOT_COORDINATOR), {}};
      const auto* m = it->second.partition->manager().find(*name);
      if (!m || m->state == txn::TxnState::Dead) return {int16_t(ErrorCode::TRANSACTIONAL_ID_NOT_FOUND), {}};
      return {0, *m};
    });
    out.error_code = meta.first;
    if (meta.first != 0) continue;
    const auto& m = meta.second;
    out.transaction_state = std::string(txn::state_name(m.state));
    out.transaction_timeout_ms = m.timeout_ms;
    out.transaction_start_time_ms = m.txn_start_ms;
    out.producer_id = m.producer_id;
    out.producer_epoch = m.producer_epoch;
    std::map<std::string, std::vector<int32_t>> by_topic;
    for (const auto& tp : m.partitions) by_topic[tp.topic].push_back(tp.partition);
    for (auto& [topic, parts] : by_topic) out.topics.push_back({topic, std::move(parts)});
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
