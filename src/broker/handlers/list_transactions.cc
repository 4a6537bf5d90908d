// ListTransactions (66): the transactional ids this broker coordinates, filtered by state
// names, producer ids, how long the transaction has been open (v1, duration_filter ms) and a
// regular expression on the id (v2). Unknown state names are listed back as such. Admin
// clients ask every broker.
#include <regex>

#include "base/clock.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "coordinator/txn/txn_records.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

using model::ErrorCode;

namespace {
struct Listed {
  std::string id;
  int64_t producer_id;
  txn::TxnState state;
  int64_t start_ms;
};
}  // namespace

asio::awaitable<net::HandlerResult> list_transactions(RequestContext& ctx) {
  auto req = decode_body<proto::ListTransactionsRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  proto::ListTransactionsResponse resp;
  std::vector<txn::TxnState> states;
  for (const auto& name : req->state_filters) {
    txn::TxnState s;
    if (txn::parse_state(name, s)) states.push_back(s);
    else resp.unknown_state_filters.push_back(name);
  }
  std::optional<std::regex> pattern;
  if (req->transactional_id_pattern && !req->transactional_id_pattern->empty()) {
    try {
      pattern.emplace(*req->transactional_id_pattern);
    } catch (const std::regex_error&) {
      resp.error_code = int16_t(ErrorCode::INVALID_REGULAR_EXPRESSION);
      co_return respond(ctx, resp);
    }
  }
  std::vector<Listed> all;
  for (size_t shard = 0; shard < broker.shards().size(); ++shard) {
    auto got = co_await broker.shards().invoke_on(shard, [&broker] {
      std::vector<Listed> out;
      for (const auto& [index, slot] : broker.local().txns)
        for (const auto& [id, m] : slot.partition->manager().all())
          out.push_back(Listed{id, m.producer_id, m.state, m.txn_start_ms});
      return out;
    });
    all.insert(all.end(), got.begin(), got.end());
  }
  const int64_t now = wall_ms();
  // Unknown state names alone filter out everything, as in Kafka.
  const bool only_unknown = states.empty() && !req->state_filters.empty();
  for (const auto& l : all) {
    if (l.state == txn::TxnState::Dead || only_unknown) continue;
    if (!states.empty() && std::find(states.begin(), states.end(), l.state) == states.end()) continue;
    if (!req->producer_id_filters.empty() &&
        std::find(req->producer_id_filters.begin(), req->producer_id_filters.end(), l.producer_id) ==
            req->producer_id_filters.end())
      continue;
    if (req->duration_filter >= 0 && !(l.start_ms >= 0 && now - l.start_ms > req->duration_filter)) continue;
    if (pattern && !std::regex_match(l.id, *pattern)) continue;
    auto& ts = resp.transaction_states.emplace_back();
    ts.transactional_id = l.id;
    ts.producer_id = l.producer_id;
    ts.transaction_state = std::string(txn::state_name(l.state));
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
