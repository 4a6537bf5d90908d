// The broker side of the group coordinator: where a group is coordinated, creating
// __consumer_offsets, loading a GroupPartition when its partition opens on a shard, parking
// JoinGroup/SyncGroup requests and routing their delayed responses back, and the group timers.
#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker.h"
#include "broker/group_waiter.h"
#include "coordinator/group/records.h"
#include "metadata/config_def.h"

namespace gregor::broker {

namespace {

constexpr int16_t kCoordinatorNotAvailable = 15, kNotCoordinator = 16;
constexpr const char* kOffsetsTopic = "__consumer_offsets";
constexpr int kTokenShardShift = 48;

group::GroupConfig group_config(const metadata::BrokerConfig& c) {
  group::GroupConfig g;
  g.min_session_timeout_ms = int32_t(c.get_long("group.min.session.timeout.ms"));
  g.max_session_timeout_ms = int32_t(c.get_long("group.max.session.timeout.ms"));
  g.initial_rebalance_delay_ms = int32_t(c.get_long("group.initial.rebalance.delay.ms"));
  g.max_size = int32_t(c.get_long("group.max.size"));
  g.offsets_retention_ms = c.get_long("offsets.retention.minutes") * 60 * 1000;
  g.offsets_retention_check_interval_ms = c.get_long("offsets.retention.check.interval.ms");
  g.offset_metadata_max_bytes = int32_t(c.get_long("offset.metadata.max.bytes"));
  return g;
}

}  // namespace

Broker::GroupLocation Broker::locate_group(const std::string& group_id) {
  const auto& image = *local().image;
  const auto* topic = image.find_topic(kOffsetsTopic);
  if (!topic || topic->partitions.empty()) return {kCoordinatorNotAvailable, -1, 0};
  int32_t p = group::partition_for_group(group_id, int32_t(topic->partitions.size()));
  if (topic->partitions[size_t(p)].leader != options_.node_id) return {kNotCoordinator, p, 0};
  return {0, p, owner_of(kOffsetsTopic, p)};
}

asio::awaitable<void> Broker::ensure_offsets_topic() {
  const auto& image = *local().image;
  if (image.find_topic(kOffsetsTopic)) co_return;
  const auto& cfg = local().config;
  controller::CreateTopicSpec spec;
  spec.name = kOffsetsTopic;
  spec.num_partitions = int32_t(cfg.get_long("offsets.topic.num.partitions"));
  // Kafka refuses to create the topic with fewer brokers than the replication factor; a
  // cluster smaller than that uses what it has, so a one-command broker serves groups at once.
  auto rf = cfg.get_long("offsets.topic.replication.factor");
  int64_t live = 0;
  for (const auto& [id, b] : image.brokers) live += b.active() ? 1 : 0;
  spec.replication_factor = int16_t(std::max<int64_t>(1, std::min(rf, live)));
  spec.configs["cleanup.policy"] = "compact";
  spec.configs["compression.type"] = "producer";
  spec.configs["segment.bytes"] = std::to_string(cfg.get_long("offsets.topic.segment.bytes"));
  std::vector<controller::CreateTopicSpec> specs{spec};
  auto results = co_await create_topics_anywhere(std::move(specs));
  if (results[0].error != 0 && results[0].error != 36)
    GLOG_WARN("creating {}: {}", kOffsetsTopic, results[0].message);
}

void Broker::open_group_partition(ShardState& st, Partition& p) {
  if (p.topic != kOffsetsTopic || st.groups.count(p.index)) return;
  size_t shard = st.shard;
  int32_t index = p.index;
  auto append = [this, shard, index](ByteView batch) -> Status {
    Partition* part = states_[shard]->find(kOffsetsTopic, index);
    if (!part || !part->is_leader())
      return make_error(int16_t(model::ErrorCode::NOT_LEADER_OR_FOLLOWER), "this broker does not lead the partition");
    auto r = part->log->append(batch, part->leader_epoch, wall_ms(), storage::AppendOrigin::coordinator);
    if (!r.ok()) return r.error();
    after_leader_append(*part);
    return Status::OK();
  };
  static thread_local std::mt19937_64 rng(std::random_device{}() ^ uint64_t(wall_ms()));
  auto gp = std::make_unique<group::GroupPartition>(index, group_config(st.config), append, rng());
  int64_t t0 = mono_ms();
  auto stats = gp->load(*p.log, group_now());
  if (!stats.ok()) {
    // Kafka keeps the partition unloaded (COORDINATOR_NOT_AVAILABLE); the data stays on disk.
    GLOG_ERROR("{}-{}: cannot load groups: {}", kOffsetsTopic, index, stats.error().message);
    return;
  }
  if (stats->records > 0)
    GLOG_INFO("{}-{}: loaded {} group(s) from {} record(s) in {} ms", kOffsetsTopic, index, stats->groups,
              stats->records, mono_ms() - t0);
  st.groups[index] = std::move(gp);
}

uint64_t Broker::park_group_request(std::shared_ptr<GroupWaiter> waiter) {
  auto& st = local();
  uint64_t token = (uint64_t(st.shard + 1) << kTokenShardShift) | st.next_group_token++;
  st.group_waiters[token] = std::move(waiter);
  return token;
}

void Broker::unpark_group_request(uint64_t token) { local().group_waiters.erase(token); }

void Broker::deliver_group_completions(std::vector<group::Completion> completions) {
  for (auto& c : completions) {
    size_t shard = size_t(c.token >> kTokenShardShift) - 1;
    if (shard >= shards_.size()) continue;
    shards_.post(shard, [this, c = std::move(c)]() mutable {
      auto& st = local();
      auto it = st.group_waiters.find(c.token);
      if (it == st.group_waiters.end()) return;  // the handler already gave up
      it->second->result = std::move(c.response);
      it->second->timer.cancel();
      st.group_waiters.erase(it);
    });
  }
}

int64_t Broker::group_now() {
  auto& st = local();
  st.group_clock_ms = std::max(st.group_clock_ms, wall_ms());
  return st.group_clock_ms;
}

void Broker::group_tick() {
  auto& st = local();
  if (st.groups.empty()) return;
  int64_t now = group_now();
  for (auto& [index, gp] : st.groups) {
    gp->tick(now);
    deliver_group_completions(gp->take_completions());
  }
}

}  // namespace gregor::broker
