// WriteTxnMarkers (27): a transaction coordinator asks this partition leader to end a
// producer's transaction: an end-txn control batch (COMMIT or ABORT, with the coordinator's
// epoch) is appended to each partition and the answer waits until it is committed (acks=all).
// On a __consumer_offsets partition the group coordinator then applies or drops the
// producer's pending transactional offsets. Per partition: UNKNOWN_TOPIC_OR_PARTITION (not
// hosted here), NOT_LEADER_OR_FOLLOWER, the producer state's INVALID_PRODUCER_EPOCH /
// TRANSACTION_COORDINATOR_FENCED, or a timeout.
#include <map>

#include "base/clock.h"
#include "broker/broker.h"
#include "broker/commit_wait.h"
#include "broker/handlers/handlers.h"
#include "model/control_record.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

namespace {

using model::ErrorCode;

constexpr int64_t kMarkerCommitTimeoutMs = 30000;

struct MarkerWork {
  size_t marker, topic, partition;  // where the result goes
  std::string topic_name;
  int32_t index;
};

struct MarkerOutcome {
  int16_t error = 0;
  int64_t required = -1;  // the offset after the marker, to wait for
};

}  // namespace

asio::awaitable<net::HandlerResult> write_txn_markers(RequestContext& ctx) {
  auto req = decode_body<proto::WriteTxnMarkersRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  proto::WriteTxnMarkersResponse resp;
  for (size_t mi = 0; mi < req->markers.size(); ++mi) {
    const auto& m = req->markers[mi];
    auto& mr = resp.markers.emplace_back();
    mr.producer_id = m.producer_id;
    std::map<size_t, std::vector<MarkerWork>> by_shard;
    for (size_t ti = 0; ti < m.topics.size(); ++ti) {
      auto& tr = mr.topics.emplace_back();
      tr.name = m.topics[ti].name;
      for (size_t pi = 0; pi < m.topics[ti].partition_indexes.size(); ++pi) {
        int32_t index = m.topics[ti].partition_indexes[pi];
        tr.partitions.push_back({index, 0});
        by_shard[broker.owner_of(tr.name, index)].push_back(MarkerWork{mi, ti, pi, tr.name, index});
      }
    }
    for (auto& [shard, work] : by_shard) {
      const auto* marker = &m;
      auto outcomes = co_await broker.shards().invoke_on(shard, [&broker, w = &work, marker] {
        std::vector<MarkerOutcome> out;
        auto& st = broker.local();
        for (const auto& item : *w) {
          MarkerOutcome o;
          Partition* p = st.find(item.topic_name, item.index);
          if (!p) {
            o.error = int16_t(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
          } else if (!p->is_leader()) {
            o.error = int16_t(ErrorCode::NOT_LEADER_OR_FOLLOWER);
          } else {
            model::EndTxnMarker em{marker->transaction_result, marker->coordinator_epoch};
            auto r = p->log->append_marker(marker->producer_id, marker->producer_epoch, em, p->leader_epoch, wall_ms());
            if (!r.ok()) {
              o.error = r.error().code;
            } else {
              broker.after_leader_append(*p);
              o.required = r->last_offset + 1;
              if (item.topic_name == "__consumer_offsets")
                if (auto g = st.groups.find(item.index); g != st.groups.end())
                  g->second->complete_txn(marker->producer_id, marker->transaction_result);
            }
          }
          out.push_back(o);
        }
        return out;
      });
      for (size_t i = 0; i < work.size(); ++i) {
        const auto& item = work[i];
        int16_t error = outcomes[i].error;
        if (error == 0 && outcomes[i].required >= 0)
          error = co_await await_committed(broker, shard, item.topic_name, item.index, outcomes[i].required,
                                           kMarkerCommitTimeoutMs);
        mr.topics[item.topic].partitions[item.partition].error_code = error;
      }
    }
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
