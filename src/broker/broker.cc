#include "broker/broker.h"

#include <fmt/format.h>

#include <functional>

#include "base/clock.h"
#include "base/log.h"
#include "broker/dispatch.h"
#include "broker/replica_fetcher.h"
#include "broker/log_dir_failure.h"
#include "metadata/log_config.h"
#include "storage/checkpoint_file.h"
#include "storage/open_logs.h"
#include "storage/partition_dir.h"
#include "io/file.h"

namespace gregor::broker {

namespace {
constexpr const char* kRecoveryCheckpoint = "recovery-point-offset-checkpoint";
constexpr const char* kLogStartCheckpoint = "log-start-offset-checkpoint";
constexpr const char* kHighWatermarkCheckpoint = "replication-offset-checkpoint";

std::string key_of(const std::string& topic, int32_t partition) { return storage::format_partition_dir(topic, partition); }
}  // namespace

Broker::Broker(net::ShardSet& shards, BrokerOptions options, controller::Controller& controller)
    : shards_(shards), options_(std::move(options)), controller_(controller) {
  for (size_t i = 0; i < shards_.size(); ++i) {
    auto st = std::make_unique<ShardState>();
    st->shard = i;
    st->config = controller_.config();
    st->sessions.set_id_space(int32_t(i) + 1, int32_t(shards_.size()));
    states_.push_back(std::move(st));
  }
}

Broker::~Broker() = default;

ShardState& Broker::local() { return *states_[net::ShardSet::current()]; }

size_t Broker::owner_of(const std::string& topic, int32_t partition) const {
  size_t h = std::hash<std::string>{}(topic) * 31 + size_t(uint32_t(partition));
  return (h ^ (h >> 17)) % shards_.size();
}

std::filesystem::path Broker::dir_for(const std::string& topic, int32_t partition) const {
  auto name = key_of(topic, partition);
  if (auto it = existing_dirs_.find(name); it != existing_dirs_.end()) return it->second;
  size_t h = std::hash<std::string>{}(name);
  return options_.log_dirs[h % options_.log_dirs.size()] / name;
}

asio::awaitable<Status> Broker::start() {
  // Discover partition dirs and read the checkpoints of every log dir.
  for (const auto& dir : options_.log_dirs) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) co_return make_error(56, fmt::format("cannot create log dir {}: {}", dir.string(), ec.message()));
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (!entry.is_directory()) continue;
      auto name = entry.path().filename().string();
      if (storage::parse_partition_dir(name)) existing_dirs_[name] = entry.path();
    }
    for (auto [file, target] : {std::pair{kRecoveryCheckpoint, &recovery_points_}, std::pair{kLogStartCheckpoint, &log_start_offsets_},
                                  std::pair{kHighWatermarkCheckpoint, &high_watermarks_}}) {
      auto path = dir / file;
      if (!std::filesystem::exists(path)) continue;
      auto cp = storage::read_offset_checkpoint(path);
      if (!cp.ok()) {
        GLOG_WARN("ignoring {}: {}", path.string(), cp.error().message);
        continue;
      }
      for (const auto& e : *cp) (*target)[key_of(e.topic, e.partition)] = e.offset;
    }
  }
  int64_t t0 = mono_ms();
  co_await publish();
  size_t total = 0;
  for (auto& st : states_) total += st->partitions.size();  // read after publish joined every shard
  GLOG_INFO("broker: {} partitions loaded on {} shards in {} ms", total, shards_.size(), mono_ms() - t0);
  co_return Status::OK();
}

asio::awaitable<void> Broker::publish() {
  if (stopped_) co_return;
  auto image = co_await shards_.invoke_on(0, [this] { return controller_.image(); });
  for (size_t s = 0; s < shards_.size(); ++s) {
    co_await shards_.invoke_on(s, [this, s, &image] {
      install_image(*states_[s], image);
      return true;
    });
  }
}

void Broker::install_image(ShardState& st, metadata::ImagePtr image) {
  if (st.image && st.image->version >= image->version) return;
  st.image = image;
  // The dynamic broker configs come from the immutable image (never from the controller, which
  // shard 0 may be updating meanwhile): this node's own and the cluster-wide defaults.
  {
    metadata::ConfigMap dyn, defaults;
    if (auto it = image->broker_configs.find(std::to_string(options_.node_id)); it != image->broker_configs.end())
      dyn = it->second;
    if (auto it = image->broker_configs.find(""); it != image->broker_configs.end()) defaults = it->second;
    st.config.set_dynamic(std::move(dyn));
    st.config.set_dynamic_defaults(std::move(defaults));
  }
  // Remove partitions whose topic is gone (or was recreated with a new id).
  for (auto it = st.partitions.begin(); it != st.partitions.end();) {
    const auto* t = image->find_topic(it->first.first);
    if (t && t->id == it->second->topic_id && size_t(it->first.second) < t->partitions.size()) {
      ++it;
      continue;
    }
    if (it->first.first == "__consumer_offsets") st.groups.erase(it->first.second);
    if (it->first.first == "__transaction_state") st.txns.erase(it->first.second);
    stop_following(st, *it->second);
    resign_leadership(*it->second, 3);  // UNKNOWN_TOPIC_OR_PARTITION
    auto dir = it->second->log ? it->second->log->dir() : std::filesystem::path();
    it->second->log.reset();
    if (!dir.empty()) {
      if (auto s = storage::Log::destroy(dir); !s.ok()) GLOG_WARN("deleting {}: {}", dir.string(), s.error().message);
      else GLOG_INFO("deleted partition {}", dir.filename().string());
    }
    it = st.partitions.erase(it);
  }
  // Partitions new to this shard: their logs are opened (recovered after a crash) together,
  // by num.recovery.threads.per.data.dir threads, then placed in image order.
  struct New {
    const std::string* name;
    int32_t idx;
    const metadata::TopicInfo* topic;
  };
  std::vector<New> fresh;
  std::vector<storage::OpenLogRequest> requests;
  for (const auto& [name, topic] : image->topics) {
    auto log_cfg = metadata::make_log_config(st.config, topic.configs);
    for (size_t p = 0; p < topic.partitions.size(); ++p) {
      int32_t idx = int32_t(p);
      if (owner_of(name, idx) != st.shard) continue;
      const auto& info = topic.partitions[p];
      if (std::find(info.replicas.begin(), info.replicas.end(), options_.node_id) == info.replicas.end()) continue;
      if (auto* existing = st.find(name, idx)) {
        existing->log->set_config(log_cfg);
        apply_replica_role(st, *existing, info, topic);
        continue;
      }
      auto key = key_of(name, idx);
      auto rp = recovery_points_.count(key) ? recovery_points_[key] : -1;
      auto ls = log_start_offsets_.count(key) ? log_start_offsets_[key] : -1;
      fresh.push_back({&name, idx, &topic});
      requests.push_back({dir_for(name, idx), log_cfg, rp, ls});
    }
  }
  auto logs = storage::open_logs(requests, int(st.config.get_long("num.recovery.threads.per.data.dir")));
  for (size_t i = 0; i < fresh.size(); ++i) {
    const std::string& name = *fresh[i].name;
    const int32_t idx = fresh[i].idx;
    const auto& topic = *fresh[i].topic;
    const auto& info = topic.partitions[size_t(idx)];
    auto key = key_of(name, idx);
    auto& log = logs[i];
    if (!log.ok()) {
      GLOG_ERROR("cannot open partition {}: {}", key, log.error().message);
      continue;
    }
    auto part = std::make_unique<Partition>();
    part->topic = name;
    part->index = idx;
    part->topic_id = topic.id;
    part->log = std::move(*log);
    part->leader_epoch = -1;  // apply_replica_role below sets the role from the image
    if (auto it = high_watermarks_.find(key); it != high_watermarks_.end())
      part->set_high_watermark(std::min(it->second, part->log->log_end_offset()));
    auto meta_path = part->log->dir() / "partition.metadata";
    if (!std::filesystem::exists(meta_path)) {
      if (auto s = io::write_file_atomic(meta_path, fmt::format("version: 0\ntopic_id: {}\n", topic.id.to_string()));
          !s.ok())
        GLOG_WARN("partition.metadata for {}: {}", key, s.error().message);
    }
    auto& placed = st.partitions[{name, idx}];
    placed = std::move(part);
    apply_replica_role(st, *placed, info, topic);
  }
}

std::pair<std::string, int32_t> Broker::endpoint_for(const metadata::BrokerInfo& b, const std::string& listener) const {
  if (b.id == options_.node_id)
    for (const auto& adv : options_.advertised)
      if (adv.name == listener) return {adv.host, adv.port};
  if (const auto* e = b.endpoint(listener)) return {e->host, e->port};
  return {b.host, b.port};
}

void Broker::notify_waiters(Partition& p) {
  if (p.waiters.empty()) return;
  auto waiters = std::move(p.waiters);
  p.waiters.clear();
  for (auto& w : waiters) {
    if (w.waiter.expired()) continue;
    shards_.post(w.shard, [ref = w.waiter] {
      if (auto sp = ref.lock()) sp->wake();
    });
  }
}

void Broker::housekeeping(int64_t now_ms) {
  auto& st = local();
  const int64_t producer_expiry = st.config.get_long("producer.id.expiration.ms");
  for (auto& [key, p] : st.partitions) {
    if (size_t n = p->log->remove_expired_producers(now_ms, producer_expiry); n > 0)
      GLOG_INFO("{}-{}: {} idle producer id(s) expired", key.first, key.second, n);
    if (auto s = p->log->roll_if_due(now_ms); !s.ok()) GLOG_WARN("roll {}: {}", key.first, s.error().message);
    if (auto s = p->log->flush_if_due(now_ms); !s.ok()) halt_on_log_dir_failure(p->log->dir(), s.error());
    auto deleted = p->log->apply_retention(now_ms, p->high_watermark());
    if (!deleted.ok()) GLOG_WARN("retention {}-{}: {}", key.first, key.second, deleted.error().message);
    else if (*deleted > 0)
      GLOG_INFO("retention deleted {} segment(s) of {}-{}; log start offset now {}", *deleted, key.first, key.second,
                p->log->log_start_offset());
  }
}

asio::awaitable<void> Broker::stop() {
  stopped_ = true;  // images committed from now on are not installed (partitions are closing)
  std::map<std::filesystem::path, std::vector<storage::PartitionOffset>> recovery, starts, hws;
  for (size_t s = 0; s < shards_.size(); ++s) {
    using Entries = std::vector<std::pair<std::filesystem::path, storage::PartitionOffset>>;
    struct Gathered {
      Entries first, second, third;
    };
    auto got = co_await shards_.invoke_on(s, [this, s] {
      Gathered out;
      auto& st = *states_[s];
      st.groups.clear();
      st.txns.clear();
      for (auto& [id, f] : st.fetchers) f->stop();
      st.fetchers.clear();
      for (auto& [key, p] : st.partitions) {
        resign_leadership(*p, 6);  // NOT_LEADER_OR_FOLLOWER: acks=all waiters answer now
        out.third.push_back({p->log->dir().parent_path(), {key.first, key.second, p->hw}});
        if (auto c = p->log->close(); !c.ok()) GLOG_ERROR("closing {}-{}: {}", key.first, key.second, c.error().message);
        auto parent = p->log->dir().parent_path();
        out.first.push_back({parent, {key.first, key.second, p->log->recovery_point()}});
        out.second.push_back({parent, {key.first, key.second, p->log->log_start_offset()}});
      }
      st.partitions.clear();
      return out;
    });
    for (auto& [dir, e] : got.first) recovery[dir].push_back(e);
    for (auto& [dir, e] : got.second) starts[dir].push_back(e);
    for (auto& [dir, e] : got.third) hws[dir].push_back(e);
  }
  for (const auto& dir : options_.log_dirs) {
    if (auto st = storage::write_offset_checkpoint(dir / kRecoveryCheckpoint, recovery[dir]); !st.ok())
      GLOG_ERROR("writing {}: {}", kRecoveryCheckpoint, st.error().message);
    if (auto st = storage::write_offset_checkpoint(dir / kLogStartCheckpoint, starts[dir]); !st.ok())
      GLOG_ERROR("writing {}: {}", kLogStartCheckpoint, st.error().message);
    if (auto st = storage::write_offset_checkpoint(dir / kHighWatermarkCheckpoint, hws[dir]); !st.ok())
      GLOG_ERROR("writing {}: {}", kHighWatermarkCheckpoint, st.error().message);
  }
}

asio::awaitable<net::HandlerResult> Broker::handle(SharedSlice frame, const net::ConnectionInfo& info) {
  co_return co_await dispatch(*this, std::move(frame), info);
}

}  // namespace gregor::broker
