// The broker side of the transaction coordinator: where a transactional id is coordinated,
// creating __transaction_state, loading a TxnPartition when this broker becomes a partition's
// leader, the timers (timed-out transactions, expired ids), and the marker channel: once a
// PrepareCommit/PrepareAbort is committed, WriteTxnMarkers goes to the leader of every
// partition of the transaction, retried until each is written, then the Complete state.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <map>
#include <set>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker.h"
#include "coordinator/txn/txn_records.h"
#include "net/client.h"
#include "net/rpc.h"
#include "protocol/generated/messages.h"

namespace gregor::broker {

namespace {

constexpr const char* kTxnTopic = "__transaction_state";
constexpr int16_t kWriteTxnMarkersVersion = 1;
constexpr int64_t kMarkerRetryMs = 100;

txn::TxnConfig txn_config(const metadata::BrokerConfig& c) {
  txn::TxnConfig t;
  t.max_timeout_ms = int32_t(c.get_long("transaction.max.timeout.ms"));
  t.id_expiration_ms = c.get_long("transactional.id.expiration.ms");
  return t;
}

asio::awaitable<void> sleep_ms(int64_t ms) {
  asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
  std::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace

Broker::GroupLocation Broker::locate_txn(const std::string& transactional_id) {
  const auto& image = *local().image;
  const auto* topic = image.find_topic(kTxnTopic);
  if (!topic || topic->partitions.empty()) return {int16_t(model::ErrorCode::COORDINATOR_NOT_AVAILABLE), -1, 0};
  int32_t p = txn::partition_for_txn(transactional_id, int32_t(topic->partitions.size()));
  if (topic->partitions[size_t(p)].leader != options_.node_id) return {int16_t(model::ErrorCode::NOT_COORDINATOR), p, 0};
  return {0, p, owner_of(kTxnTopic, p)};
}

asio::awaitable<void> Broker::ensure_txn_topic() {
  const auto& image = *local().image;
  if (image.find_topic(kTxnTopic)) co_return;
  const auto& cfg = local().config;
  controller::CreateTopicSpec spec;
  spec.name = kTxnTopic;
  spec.num_partitions = int32_t(cfg.get_long("transaction.state.log.num.partitions"));
  // As for __consumer_offsets: a cluster smaller than the factor uses what it has.
  auto rf = cfg.get_long("transaction.state.log.replication.factor");
  int64_t live = 0;
  for (const auto& [id, b] : image.brokers) live += b.active() ? 1 : 0;
  spec.replication_factor = int16_t(std::max<int64_t>(1, std::min(rf, live)));
  spec.configs["cleanup.policy"] = "compact";
  spec.configs["compression.type"] = "uncompressed";
  spec.configs["unclean.leader.election.enable"] = "false";
  spec.configs["min.insync.replicas"] =
      std::to_string(std::min<int64_t>(cfg.get_long("transaction.state.log.min.isr"), spec.replication_factor));
  spec.configs["segment.bytes"] = std::to_string(cfg.get_long("transaction.state.log.segment.bytes"));
  std::vector<controller::CreateTopicSpec> specs{spec};
  auto results = co_await create_topics_anywhere(std::move(specs));
  if (results[0].error != 0 && results[0].error != 36)
    GLOG_WARN("creating {}: {}", kTxnTopic, results[0].message);
}

void Broker::open_txn_partition(ShardState& st, Partition& p, int32_t leader_epoch) {
  size_t shard = st.shard;
  int32_t index = p.index;
  auto append = [this, shard, index](ByteView batch) -> Result<int64_t> {
    Partition* part = states_[shard]->find(kTxnTopic, index);
    if (!part || !part->is_leader())
      return make_error(int16_t(model::ErrorCode::NOT_LEADER_OR_FOLLOWER), "this broker does not lead the partition");
    auto r = part->log->append(batch, part->leader_epoch, wall_ms(), storage::AppendOrigin::coordinator);
    if (!r.ok()) return r.error();
    after_leader_append(*part);
    return part->log->log_end_offset();
  };
  auto tp = std::make_unique<txn::TxnPartition>(index, txn_config(st.config), append);
  int64_t t0 = mono_ms();
  auto stats = tp->load(*p.log);
  if (!stats.ok()) {
    GLOG_ERROR("{}-{}: cannot load transactions: {}", kTxnTopic, index, stats.error().message);
    st.txns.erase(index);
    return;
  }
  if (stats->records > 0)
    GLOG_INFO("{}-{}: loaded {} transactional id(s) from {} record(s) in {} ms (coordinator epoch {})", kTxnTopic, index,
              stats->transactional_ids, stats->records, mono_ms() - t0, leader_epoch);
  auto& slot = st.txns[index];
  slot.partition = std::move(tp);
  slot.coordinator_epoch = leader_epoch;
  slot.next_abort_check_ms = 0;
  slot.next_expiry_check_ms = 0;
}

void Broker::txn_tick() {
  auto& st = local();
  if (st.txns.empty()) return;
  const int64_t now = wall_ms();
  for (auto& [index, slot] : st.txns) {
    Partition* p = st.find(kTxnTopic, index);
    if (!p || !p->is_leader()) continue;
    const int64_t committed = p->high_watermark();
    auto& tp = *slot.partition;
    if (now >= slot.next_abort_check_ms || now >= slot.next_expiry_check_ms) {
      // TxnPartition::tick does both; the intervals only bound how often.
      if (now >= slot.next_abort_check_ms)
        slot.next_abort_check_ms = now + st.config.get_long("transaction.abort.timed.out.transaction.cleanup.interval.ms");
      if (now >= slot.next_expiry_check_ms)
        slot.next_expiry_check_ms =
            now + st.config.get_long("transaction.remove.expired.transaction.cleanup.interval.ms");
      tp.tick(now, committed);
    }
    dispatch_txn_markers(index);
  }
}

void Broker::dispatch_txn_markers(int32_t txn_partition) {
  auto& st = local();
  auto it = st.txns.find(txn_partition);
  Partition* p = st.find(kTxnTopic, txn_partition);
  if (it == st.txns.end() || !p || !p->is_leader()) return;
  auto& slot = it->second;
  for (auto& job : slot.partition->ready_markers(p->high_watermark()))
    asio::co_spawn(shards_.context(st.shard), send_markers(txn_partition, slot.coordinator_epoch, std::move(job)),
                   asio::detached);
}

std::shared_ptr<net::Client> Broker::broker_client(int32_t broker_id) {
  auto& st = local();
  const auto* b = st.image->find_broker(broker_id);
  if (!b) return nullptr;
  auto& client = st.broker_clients[broker_id];
  if (client && (client->options().host != b->host || client->options().port != uint16_t(b->port))) {
    client->close();
    client.reset();
  }
  if (!client)
    client = net::Client::make(shards_.context(st.shard).get_executor(),
                               net::Client::Options{b->host, uint16_t(b->port), 2000, 16 << 20});
  return client;
}

asio::awaitable<void> Broker::send_markers(int32_t txn_partition, int32_t coordinator_epoch, txn::MarkerJob job) {
  // Still the coordinator that started this job (same partition, same epoch)?
  auto still_mine = [this, txn_partition, coordinator_epoch]() -> txn::TxnPartition* {
    if (stopped_) return nullptr;
    auto& st = local();
    auto it = st.txns.find(txn_partition);
    if (it == st.txns.end() || it->second.coordinator_epoch != coordinator_epoch) return nullptr;
    return it->second.partition.get();
  };
  std::set<txn::TopicPartition> remaining(job.partitions.begin(), job.partitions.end());
  const std::string client_id = fmt::format("broker-{}-txn-markers", options_.node_id);
  while (!remaining.empty()) {
    if (!still_mine()) co_return;
    // Group by the partitions' current leaders; a partition without a topic or leader is gone.
    std::map<int32_t, std::vector<txn::TopicPartition>> by_leader;
    const auto image = local().image;
    for (auto it = remaining.begin(); it != remaining.end();) {
      const auto* t = image->find_topic(it->topic);
      if (!t || it->partition < 0 || size_t(it->partition) >= t->partitions.size()) {
        it = remaining.erase(it);  // deleted: nothing to mark
        continue;
      }
      by_leader[t->partitions[size_t(it->partition)].leader].push_back(*it);
      ++it;
    }
    bool abandon = false;
    for (const auto& [leader, parts] : by_leader) {
      if (leader < 0) continue;  // offline: retried
      auto client = broker_client(leader);
      if (!client) continue;
      proto::WriteTxnMarkersRequest req;
      auto& m = req.markers.emplace_back();
      m.producer_id = job.producer_id;
      m.producer_epoch = job.producer_epoch;
      m.transaction_result = job.commit;
      m.coordinator_epoch = coordinator_epoch;
      std::map<std::string, std::vector<int32_t>> by_topic;
      for (const auto& tp : parts) by_topic[tp.topic].push_back(tp.partition);
      for (const auto& [topic, indexes] : by_topic) {
        auto& t = m.topics.emplace_back();
        t.name = topic;
        t.partition_indexes = indexes;
      }
      auto resp = co_await net::rpc<proto::WriteTxnMarkersResponse>(*client, req, kWriteTxnMarkersVersion, client_id,
                                                                    30000);
      if (!resp.ok()) continue;  // the connection failed: retried
      for (const auto& mr : resp->markers)
        for (const auto& tr : mr.topics)
          for (const auto& pr : tr.partitions) {
            switch (model::ErrorCode(pr.error_code)) {
              case model::ErrorCode::NONE:
              case model::ErrorCode::UNSUPPORTED_FOR_MESSAGE_FORMAT:
              case model::ErrorCode::UNSUPPORTED_VERSION:
                remaining.erase(txn::TopicPartition{tr.name, pr.partition_index});
                break;
              case model::ErrorCode::INVALID_PRODUCER_EPOCH:
              case model::ErrorCode::TRANSACTION_COORDINATOR_FENCED:
                // A newer producer epoch or coordinator owns the partition: as Kafka does, stop;
                // the transaction stays prepared until the coordinator reloads.
                GLOG_WARN("markers of {} (producer {} epoch {}) refused by {}-{}: {}", job.transactional_id,
                          job.producer_id, job.producer_epoch, tr.name, pr.partition_index,
                          model::error_name(model::ErrorCode(pr.error_code)));
                abandon = true;
                break;
              default:
                break;  // NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, timeouts...: retried
            }
          }
    }
    if (abandon) co_return;
    if (!remaining.empty()) co_await sleep_ms(kMarkerRetryMs);
  }
  if (auto* tp = still_mine()) tp->markers_done(job, wall_ms());
}

}  // namespace gregor::broker
