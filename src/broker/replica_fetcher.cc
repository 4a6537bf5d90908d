#include "broker/replica_fetcher.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker.h"
#include "broker/log_dir_failure.h"
#include "model/batch_iterator.h"
#include "net/client.h"
#include "net/rpc.h"
#include "protocol/generated/messages.h"
#include "replication/follower_truncation.h"

namespace gregor::broker {

namespace {

constexpr int16_t kOffsetOutOfRange = 1;
constexpr int16_t kFetchVersion = 12;  // topic names, LastFetchedEpoch and DivergingEpoch
constexpr int64_t kEarliest = -2, kLatest = -1;

std::vector<replication::EpochEntry> epochs_of(const storage::Log& log) {
  std::vector<replication::EpochEntry> out;
  for (const auto& e : log.epochs().entries()) out.push_back({e.epoch, e.start_offset});
  return out;
}

int32_t latest_epoch(const storage::Log& log) {
  auto l = log.epochs().latest();
  return l ? l->epoch : -1;
}

}  // namespace

ReplicaFetcher::ReplicaFetcher(Broker& broker, size_t shard, int32_t source, std::string host, uint16_t port)
    : broker_(broker), shard_(shard), source_(source), host_(std::move(host)), port_(port) {}

ReplicaFetcher::~ReplicaFetcher() = default;

void ReplicaFetcher::start() {
  auto ex = broker_.shards().context(shard_).get_executor();
  wake_ = std::make_unique<asio::steady_timer>(ex);
  client_ = net::Client::make(ex, net::Client::Options{host_, port_, 2000, 128 << 20});
  running_ = true;
  asio::co_spawn(ex, run(shared_from_this()), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      GLOG_ERROR("replica fetcher failed: {}", ex.what());
    }
  });
}

void ReplicaFetcher::stop() {
  stopped_ = true;
  if (wake_) wake_->cancel();
  if (client_) client_->close();
}

void ReplicaFetcher::add(const PartitionKey& key) {
  partitions_[key] = 0;
  if (wake_) wake_->cancel();
}

void ReplicaFetcher::remove(const PartitionKey& key) { partitions_.erase(key); }

asio::awaitable<void> ReplicaFetcher::sleep_ms(int64_t ms) {
  wake_->expires_after(std::chrono::milliseconds(std::max<int64_t>(1, ms)));
  std::error_code ec;
  co_await wake_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> ReplicaFetcher::run(std::shared_ptr<ReplicaFetcher> self) {
  const int32_t node = broker_.options().node_id;
  const std::string client_id = fmt::format("broker-{}-fetcher-{}", node, shard_);
  while (!stopped_) {
    auto& st = broker_.local();
    const auto& cfg = st.config;
    const int64_t backoff = cfg.get_long("replica.fetch.backoff.ms");
    const int32_t max_wait = int32_t(cfg.get_long("replica.fetch.wait.max.ms"));
    int64_t now = mono_ms();

    // One Fetch for every partition that is not backing off, each from its LEO.
    proto::FetchRequest req;
    req.replica_id = node;
    req.max_wait_ms = max_wait;
    req.min_bytes = int32_t(cfg.get_long("replica.fetch.min.bytes"));
    req.max_bytes = int32_t(cfg.get_long("replica.fetch.response.max.bytes"));
    req.session_id = 0;
    req.session_epoch = -1;  // a full fetch, no session
    struct Asked {
      int32_t leader_epoch;
      int64_t fetch_offset;
    };
    std::map<PartitionKey, Asked> asked;
    int64_t next_due = now + backoff;
    for (auto it = partitions_.begin(); it != partitions_.end();) {
      Partition* p = st.find(it->first.first, it->first.second);
      if (!p || p->following != source_) {
        it = partitions_.erase(it);
        continue;
      }
      if (it->second > now) {
        next_due = std::min(next_due, it->second);
        ++it;
        continue;
      }
      if (req.topics.empty() || req.topics.back().topic != p->topic) req.topics.emplace_back().topic = p->topic;
      auto& fp = req.topics.back().partitions.emplace_back();
      fp.partition = p->index;
      fp.current_leader_epoch = p->leader_epoch;
      fp.fetch_offset = p->log->log_end_offset();
      fp.last_fetched_epoch = latest_epoch(*p->log);
      fp.log_start_offset = p->log->log_start_offset();
      fp.partition_max_bytes = int32_t(cfg.get_long("replica.fetch.max.bytes"));
      asked[it->first] = Asked{p->leader_epoch, fp.fetch_offset};
      ++it;
    }
    if (asked.empty()) {
      co_await sleep_ms(partitions_.empty() ? 60000 : next_due - now);
      continue;
    }

    auto resp = co_await net::rpc<proto::FetchResponse>(*client_, req, kFetchVersion, client_id,
                                                         max_wait + int32_t(cfg.get_long("replica.socket.timeout.ms")));
    if (stopped_) co_return;
    if (!resp.ok() || resp->error_code != 0) {
      GLOG_DEBUG("fetch from broker {} failed: {}", source_,
                 resp.ok() ? fmt::format("error {}", resp->error_code) : resp.error().message);
      co_await sleep_ms(backoff);
      continue;
    }
    std::vector<std::pair<PartitionKey, int64_t>> out_of_range;
    auto& st2 = broker_.local();
    for (auto& t : resp->responses) {
      for (auto& pd : t.partitions) {
        PartitionKey key{t.topic, pd.partition_index};
        auto a = asked.find(key);
        auto mine = partitions_.find(key);
        Partition* p = st2.find(key.first, key.second);
        // Skip answers overtaken by a role change, a new epoch or a truncation meanwhile.
        if (a == asked.end() || mine == partitions_.end() || !p || p->following != source_ ||
            p->leader_epoch != a->second.leader_epoch || p->log->log_end_offset() != a->second.fetch_offset)
          continue;
        if (pd.error_code == kOffsetOutOfRange) {
          out_of_range.emplace_back(key, a->second.fetch_offset);
          continue;
        }
        if (pd.error_code != 0) {
          GLOG_DEBUG("{}-{}: fetch from leader {} answered error {}", key.first, key.second, source_, pd.error_code);
          mine->second = mono_ms() + backoff;
          continue;
        }
        if (pd.diverging_epoch.epoch >= 0 || pd.diverging_epoch.end_offset >= 0) {
          auto epochs = epochs_of(*p->log);
          auto d = replication::truncation_for_diverging_epoch(
              replication::DivergingEpoch{pd.diverging_epoch.epoch, pd.diverging_epoch.end_offset}, epochs,
              p->log->log_end_offset(), a->second.fetch_offset);
          GLOG_INFO("{}-{}: truncating to {} (leader {} reports epoch {} ends at {}; LEO was {})", key.first, key.second,
                    d.truncate_to, source_, pd.diverging_epoch.epoch, pd.diverging_epoch.end_offset,
                    p->log->log_end_offset());
          if (auto s = p->log->truncate_to(d.truncate_to); !s.ok()) {
            GLOG_ERROR("{}-{}: truncation failed: {}", key.first, key.second, s.error().message);
            mine->second = mono_ms() + backoff;
            continue;
          }
          p->set_high_watermark(std::min(p->hw, p->log->log_end_offset()));
          continue;
        }
        if (!pd.records.empty()) {
          auto bytes = pd.records.to_bytes();
          if (!bytes.ok()) continue;
          ByteView view(bytes->data(), bytes->size());
          model::BatchIterator it(view);
          while (it.next()) {
          }
          view = view.first(it.position());  // a partial last batch is fetched again next round
          if (!view.empty()) {
            auto appended = p->log->append_replicated(view);
            if (!appended.ok()) {
              GLOG_WARN("{}-{}: cannot append replicated records at {}: {}", key.first, key.second,
                        a->second.fetch_offset, appended.error().message);
              mine->second = mono_ms() + backoff;
              continue;
            }
            if (auto s = p->log->flush_if_due(wall_ms()); !s.ok()) halt_on_log_dir_failure(p->log->dir(), s.error());
          }
        }
        int64_t hw = std::min(pd.high_watermark, p->log->log_end_offset());
        if (hw > p->hw) {
          p->set_high_watermark(hw);
          broker_.notify_waiters(*p);
        }
      }
    }
    for (auto& [key, offset] : out_of_range) co_await handle_out_of_range(key, offset);
  }
  (void)self;
}

asio::awaitable<void> ReplicaFetcher::handle_out_of_range(const PartitionKey& key, int64_t fetch_offset) {
  // The leader's log start and end, as it answers a replica (its LEO, not its HW).
  proto::ListOffsetsRequest req;
  req.replica_id = broker_.options().node_id;
  auto& t = req.topics.emplace_back();
  t.name = key.first;
  int32_t epoch = -1;
  if (Partition* p = broker_.local().find(key.first, key.second)) epoch = p->leader_epoch;
  for (int64_t ts : {kEarliest, kLatest}) {
    auto& lp = t.partitions.emplace_back();
    lp.partition_index = key.second;
    lp.current_leader_epoch = epoch;
    lp.timestamp = ts;
  }
  auto resp = co_await net::rpc<proto::ListOffsetsResponse>(
      *client_, req, 7, fmt::format("broker-{}-fetcher", broker_.options().node_id), 10000);
  Partition* p = broker_.local().find(key.first, key.second);
  auto mine = partitions_.find(key);
  if (stopped_ || !p || mine == partitions_.end() || p->following != source_ || p->leader_epoch != epoch ||
      p->log->log_end_offset() != fetch_offset)
    co_return;
  const int64_t backoff = broker_.local().config.get_long("replica.fetch.backoff.ms");
  if (!resp.ok() || resp->topics.size() != 1 || resp->topics[0].partitions.size() != 2 ||
      resp->topics[0].partitions[0].error_code != 0 || resp->topics[0].partitions[1].error_code != 0) {
    mine->second = mono_ms() + backoff;
    co_return;
  }
  int64_t leader_start = resp->topics[0].partitions[0].offset, leader_leo = resp->topics[0].partitions[1].offset;
  auto d = replication::on_offset_out_of_range(p->log->log_end_offset(), leader_start, leader_leo);
  Status s = Status::OK();
  if (d.action == replication::OutOfRangeDecision::Action::kTruncateTo) {
    GLOG_WARN("{}-{}: leader {} ends at {} below our end {}: truncating (unclean leader election?)", key.first,
              key.second, source_, leader_leo, p->log->log_end_offset());
    s = p->log->truncate_to(d.offset);
  } else if (d.action == replication::OutOfRangeDecision::Action::kTruncateFullyAndStartAt) {
    GLOG_INFO("{}-{}: leader {} starts at {}, past our end {}: restarting the log there", key.first, key.second,
              source_, leader_start, p->log->log_end_offset());
    s = p->log->truncate_fully_and_start_at(d.offset);
  }
  if (!s.ok()) {
    GLOG_ERROR("{}-{}: truncation failed: {}", key.first, key.second, s.error().message);
    mine->second = mono_ms() + backoff;
  }
  p->set_high_watermark(std::min(p->hw, p->log->log_end_offset()));
}

}  // namespace gregor::broker
