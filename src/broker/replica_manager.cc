// The broker side of partition replication: a partition's role from the metadata image
// (leader, follower, neither), the leader's high watermark and acks=all waiters, ISR changes
// sent to the controller (AlterPartition), and the high-watermark checkpoint. Kafka's
// ReplicaManager / Partition; the decisions themselves live in src/replication/.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker.h"
#include "broker/replica_fetcher.h"
#include "metadata/log_config.h"
#include "net/rpc.h"
#include "protocol/generated/messages.h"
#include "storage/partition_dir.h"

namespace gregor::broker {

namespace {

constexpr int16_t kNotLeaderOrFollower = 6, kNetworkException = 13;
constexpr size_t kPendingAcksCapacity = 100000;
constexpr const char* kOffsetsTopic = "__consumer_offsets";

replication::LeaderConfig leader_config(const ShardState& st, const metadata::TopicInfo& topic) {
  replication::LeaderConfig c;
  auto min_isr = st.config.resolve_topic("min.insync.replicas", topic.configs);
  c.min_insync_replicas = int32_t(metadata::parse_long(min_isr.value.value_or("1")));
  c.replica_lag_time_max_ms = st.config.get_long("replica.lag.time.max.ms");
  return c;
}

}  // namespace

void Broker::apply_replica_role(ShardState& st, Partition& p, const metadata::PartitionInfo& info,
                                const metadata::TopicInfo& topic) {
  const int32_t self = options_.node_id;
  const int64_t now = mono_ms();
  p.replicas = info.replicas;
  p.isr = info.isr;
  p.partition_epoch = info.partition_epoch;
  const bool epoch_changed = info.leader_epoch != p.leader_epoch || info.leader != p.leader;
  p.leader = info.leader;
  p.leader_epoch = info.leader_epoch;

  if (info.leader == self) {
    stop_following(st, p);
    if (!p.leader_state || info.leader_epoch > p.leader_state->leader_epoch()) {
      // Become leader: record where this epoch starts, then track the followers.
      if (p.leader_state) resign_leadership(p, kNotLeaderOrFollower);
      int64_t leo = p.log->log_end_offset();
      p.log->assign_epoch(info.leader_epoch, leo);
      int64_t epoch_start = leo;
      for (const auto& e : p.log->epochs().entries())
        if (e.epoch == info.leader_epoch) epoch_start = e.start_offset;
      replication::BecomeLeaderParams bp;
      bp.local_broker_id = self;
      bp.local_broker_epoch = broker_epoch();
      bp.leader_epoch = info.leader_epoch;
      bp.partition_epoch = info.partition_epoch;
      bp.replicas = info.replicas;
      bp.isr = info.isr;
      bp.log_end_offset = leo;
      bp.high_watermark = std::clamp<int64_t>(p.hw, 0, leo);
      bp.leader_epoch_start_offset = std::min(epoch_start, leo);
      bp.now_ms = now;
      bp.config = leader_config(st, topic);
      p.leader_state = std::make_unique<replication::PartitionLeaderState>(bp);
      p.pending_acks = std::make_unique<replication::PendingAcks>(kPendingAcksCapacity);
      (void)p.leader_state->on_local_append(leo, now);  // a leader alone in its ISR commits at once
      if (info.replicas.size() > 1)
        GLOG_INFO("{}-{}: leader in epoch {} (LEO {}, HW {}, ISR {})", p.topic, p.index, info.leader_epoch, leo,
                  p.leader_state->high_watermark(), fmt::join(info.isr, ","));
    } else if (info.partition_epoch > p.leader_state->partition_epoch()) {
      replication::LeaderPartitionMetadata m{info.leader_epoch, info.partition_epoch, info.replicas, info.isr};
      (void)p.leader_state->on_metadata_update(m, now);
    }
    (void)p.leader_state->set_config(leader_config(st, topic), now);
    // Fenced or shutting-down brokers may not join the ISR (KRaft's eligibility rule).
    for (int32_t r : info.replicas) {
      if (r == self || !p.leader_state->is_follower(r)) continue;
      const auto* b = st.image->find_broker(r);
      p.leader_state->set_isr_eligible(r, b && b->active());
    }
    on_high_watermark_changed(p);
  } else {
    if (p.leader_state) resign_leadership(p, kNotLeaderOrFollower);
    if (info.leader >= 0) {
      if (epoch_changed || p.following != info.leader) start_following(st, p, info.leader);
    } else {
      stop_following(st, p);
    }
  }

  // The group coordinator of a __consumer_offsets partition runs where it is led; it reloads
  // the partition's records each time this broker becomes its leader.
  if (p.topic == kOffsetsTopic) {
    if (info.leader == self && !st.groups.count(p.index)) open_group_partition(st, p);
    if (info.leader != self) st.groups.erase(p.index);
  }
  // Likewise the transaction coordinator of a __transaction_state partition; a new leader
  // epoch (the coordinator epoch its markers carry) reloads it.
  if (p.topic == "__transaction_state") {
    auto it = st.txns.find(p.index);
    if (info.leader == self && (it == st.txns.end() || it->second.coordinator_epoch != info.leader_epoch))
      open_txn_partition(st, p, info.leader_epoch);
    if (info.leader != self) st.txns.erase(p.index);
  }
}

void Broker::resign_leadership(Partition& p, int16_t error_code) {
  if (p.pending_acks) deliver_acks(p, p.pending_acks->fail_all(error_code));
  p.ack_waiters.clear();
  p.pending_acks.reset();
  p.leader_state.reset();
}

void Broker::stop_following(ShardState& st, Partition& p) {
  if (p.following < 0) return;
  if (auto it = st.fetchers.find(p.following); it != st.fetchers.end()) {
    it->second->remove({p.topic, p.index});
    if (it->second->empty()) {
      it->second->stop();
      st.fetchers.erase(it);
    }
  }
  p.following = -1;
}

void Broker::start_following(ShardState& st, Partition& p, int32_t leader) {
  stop_following(st, p);
  const auto* b = st.image->find_broker(leader);
  if (!b) return;
  auto& fetcher = st.fetchers[leader];
  if (fetcher && !fetcher->targets(b->host, b->port)) {
    fetcher->stop();
    fetcher.reset();
  }
  if (!fetcher) {
    fetcher = std::make_shared<ReplicaFetcher>(*this, st.shard, leader, b->host, uint16_t(b->port));
    fetcher->start();
  }
  p.following = leader;
  // A follower's high watermark is the leader's; never above what we hold.
  p.set_high_watermark(std::min(p.hw, p.log->log_end_offset()));
  fetcher->add({p.topic, p.index});
}

void Broker::after_leader_append(Partition& p) {
  if (p.leader_state && p.leader_state->on_local_append(p.log->log_end_offset(), mono_ms())) {
    on_high_watermark_changed(p);
    return;
  }
  notify_waiters(p);
}

void Broker::on_high_watermark_changed(Partition& p) {
  if (!p.leader_state) return;
  int64_t hw = p.leader_state->high_watermark();
  bool moved = hw != p.hw;
  p.set_high_watermark(hw);
  if (p.pending_acks && !p.pending_acks->empty())
    deliver_acks(p, p.pending_acks->complete_reached(hw, p.leader_state->acks_reached_error_code()));
  if (moved) notify_waiters(p);
}

bool Broker::park_ack(Partition& p, int64_t required_offset, int64_t deadline_ms, AckWaiterRef ref) {
  if (!p.pending_acks) return false;
  uint64_t token = p.next_ack_token++;
  if (!p.pending_acks->add(replication::PendingAck{required_offset, deadline_ms, token}).ok()) return false;
  p.ack_waiters[token] = std::move(ref);
  return true;
}

void Broker::deliver_acks(Partition& p, const std::vector<replication::AckCompletion>& done) {
  for (const auto& c : done) {
    auto it = p.ack_waiters.find(c.token);
    if (it == p.ack_waiters.end()) continue;
    auto ref = std::move(it->second);
    p.ack_waiters.erase(it);
    if (ref.waiter.expired()) continue;
    shards_.post(ref.shard, [w = ref.waiter, slot = ref.slot, code = c.error_code] {
      if (auto sp = w.lock()) sp->complete(slot, code);
    });
  }
}

void Broker::replication_tick() {
  auto& st = local();
  int64_t now = mono_ms();
  // A leader whose controller session lapsed may have been replaced: the acks=all produces it
  // holds get NOT_LEADER_OR_FOLLOWER now (the client retries at the new leader) rather than
  // REQUEST_TIMED_OUT at their deadline, and their connections answer Metadata again.
  const bool session_lapsed = !session_valid(now);
  for (auto& [key, p] : st.partitions) {
    if (!p->leader_state) continue;
    if (p->pending_acks && !p->pending_acks->empty()) {
      deliver_acks(*p, p->pending_acks->complete_reached(p->leader_state->high_watermark(),
                                                         p->leader_state->acks_reached_error_code()));
      if (session_lapsed) {
        auto failed = p->pending_acks->fail_all(kNotLeaderOrFollower);
        GLOG_INFO("{}-{}: controller session lapsed: {} acks=all produce(s) answered NOT_LEADER_OR_FOLLOWER",
                  p->topic, p->index, failed.size());
        deliver_acks(*p, failed);
      } else {
        deliver_acks(*p, p->pending_acks->expire(now));
      }
    }
    if (p->replicas.size() > 1 && !p->leader_state->alter_partition_in_flight()) {
      if (auto prop = p->leader_state->maybe_shrink_isr(now)) {
        GLOG_INFO("{}-{}: shrinking ISR from {} to {} (out of sync: {})", p->topic, p->index,
                  fmt::join(p->leader_state->isr(), ","), fmt::join(prop->new_isr, ","), fmt::join(prop->changed, ","));
        send_alter_partition(key, *prop);
      }
    }
  }
}

void Broker::send_alter_partition(PartitionKey key, replication::AlterPartitionProposal proposal) {
  size_t shard = local().shard;
  auto run = [](Broker* self, PartitionKey key,
                replication::AlterPartitionProposal proposal) -> asio::awaitable<void> {
    asio::steady_timer backoff(co_await asio::this_coro::executor);
    for (int attempt = 0;; ++attempt) {
      if (self->stopped_) co_return;
      auto& st = self->local();
      Partition* p = st.find(key.first, key.second);
      if (!p || !p->leader_state || !p->leader_state->pending_alter_partition() ||
          p->leader_state->pending_alter_partition()->id != proposal.id)
        co_return;  // leadership or the proposal moved on
      proto::AlterPartitionRequest req;
      req.broker_id = self->options_.node_id;
      req.broker_epoch = self->broker_epoch();
      auto& t = req.topics.emplace_back();
      t.topic_id = p->topic_id;
      auto& pd = t.partitions.emplace_back();
      pd.partition_index = key.second;
      pd.leader_epoch = proposal.leader_epoch;
      pd.partition_epoch = proposal.partition_epoch;
      for (size_t i = 0; i < proposal.new_isr.size(); ++i) {
        proto::AlterPartitionRequest::BrokerState b;
        b.broker_id = proposal.new_isr[i];
        b.broker_epoch = i < proposal.new_isr_broker_epochs.size() ? proposal.new_isr_broker_epochs[i] : -1;
        pd.new_isr_with_epochs.push_back(b);
      }
      replication::AlterPartitionResponse answer;
      answer.error_code = kNetworkException;
      auto client = self->controller_client(self->quorum_leader());
      if (client) {
        auto resp = co_await net::rpc<proto::AlterPartitionResponse>(
            *client, req, 3, fmt::format("broker-{}-alter-partition", self->options_.node_id), 5000);
        if (resp.ok()) {
          answer.error_code = resp->error_code;
          if (resp->error_code == 0 && !resp->topics.empty() && !resp->topics[0].partitions.empty()) {
            const auto& r = resp->topics[0].partitions[0];
            answer.error_code = r.error_code;
            answer.leader_epoch = r.leader_epoch;
            answer.partition_epoch = r.partition_epoch;
            answer.isr = r.isr;
          }
        }
      }
      p = self->local().find(key.first, key.second);  // the world may have changed meanwhile
      if (!p || !p->leader_state) co_return;
      auto outcome = p->leader_state->on_alter_partition_response(proposal.id, answer, mono_ms());
      if (outcome.action == replication::AlterResponseAction::kCommitted) {
        GLOG_INFO("{}-{}: ISR now {} (partition epoch {})", key.first, key.second,
                  fmt::join(p->leader_state->isr(), ","), p->leader_state->partition_epoch());
        p->isr = p->leader_state->isr();
      }
      self->on_high_watermark_changed(*p);
      if (outcome.action != replication::AlterResponseAction::kRetry || !outcome.retry) co_return;
      proposal = *outcome.retry;
      backoff.expires_after(std::chrono::milliseconds(std::min(1000, 50 << std::min(attempt, 4))));
      std::error_code ec;
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  };
  asio::co_spawn(shards_.context(shard), run(this, std::move(key), std::move(proposal)), asio::detached);
}

std::vector<std::pair<std::filesystem::path, storage::PartitionOffset>> Broker::collect_offsets(
    size_t shard, int64_t (*which)(const Partition&)) {
  std::vector<std::pair<std::filesystem::path, storage::PartitionOffset>> out;
  for (auto& [key, p] : states_[shard]->partitions)
    if (p->log) out.push_back({p->log->dir().parent_path(), {key.first, key.second, which(*p)}});
  return out;
}

asio::awaitable<void> Broker::checkpoint_high_watermarks() {
  if (stopped_) co_return;  // stop() writes the final one
  std::map<std::filesystem::path, std::vector<storage::PartitionOffset>> by_dir;
  for (size_t s = 0; s < shards_.size(); ++s) {
    auto got = co_await shards_.invoke_on(s, [this, s] {
      return collect_offsets(s, [](const Partition& p) { return p.hw; });
    });
    for (auto& [dir, e] : got) by_dir[dir].push_back(e);
  }
  if (stopped_) co_return;
  for (const auto& dir : options_.log_dirs)
    if (auto st = storage::write_offset_checkpoint(dir / "replication-offset-checkpoint", by_dir[dir]); !st.ok())
      GLOG_WARN("writing replication-offset-checkpoint: {}", st.error().message);
}

}  // namespace gregor::broker
