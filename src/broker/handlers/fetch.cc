// Fetch (1): reads whole batches from partition logs on their owner shards and returns them as
// file slices (sent with sendfile). read_committed fetches stop at the last stable offset and
// list the aborted transactions overlapping the batches returned. Honours max.partition.fetch.bytes (per partition)
// and fetch.max.bytes (per response) as Kafka's ReplicaManager does: each partition reads at
// most min(its limit, the bytes left in the response), in request order, and only the first
// non-empty partition may exceed that with one whole batch (so consumers make progress). Long polling: when fewer than fetch.min.bytes are ready the request waits up
// to fetch.max.wait.ms, woken by appends (no busy waiting). Incremental fetch sessions per
// KIP-227 (broker/fetch_session.h).
// A Fetch with a replica id is a follower's: it reads up to the leader's log end (not the high
// watermark), tells the leader how far the follower got (PartitionLeaderState: ISR and high
// watermark), and answers a DivergingEpoch instead of records when the follower's log went
// another way (replication/divergence.h).
#include <asio/steady_timer.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/this_coro.hpp>

#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "model/record_batch.h"
#include "protocol/generated/messages.h"
#include "replication/divergence.h"
#include "replication/fetch_check.h"

namespace gregor::broker::handlers {

namespace {

constexpr int16_t kOffsetOutOfRange = 1, kUnknownTopic = 3, kNotLeaderOrFollower = 6, kFetchSessionIdNotFound = 70,
                  kInvalidFetchSessionEpoch = 71, kFencedLeaderEpoch = 74, kUnknownLeaderEpoch = 75,
                  kUnknownTopicId = 100;

struct Wanted {
  std::string topic;
  proto::Uuid topic_id;
  int32_t partition;
  int64_t fetch_offset;
  int32_t max_bytes;
  int32_t current_leader_epoch;
  int32_t last_fetched_epoch = -1;
};

struct ReadOutcome {
  int16_t error = 0;
  int64_t high_watermark = -1;
  int64_t last_stable_offset = -1;
  int64_t log_start_offset = -1;
  std::vector<storage::AbortedTxn> aborted;  // read_committed: transactions to drop
  io::FileSlice slice;
  std::optional<replication::DivergingEpoch> diverging;
};

// The longest prefix of whole batches of `slice` within limit bytes (possibly empty): the
// batch lengths are read from the file (the 12-byte framing of each batch).
io::FileSlice whole_batches_within(const io::FileSlice& slice, uint64_t limit) {
  io::FileSlice out{slice.file, slice.position, 0};
  if (!slice.file) return out;
  Bytes frame;
  while (out.size < slice.size) {
    if (slice.size - out.size < model::kLogOverhead) break;
    frame.clear();
    if (!slice.file->pread_exact(slice.position + out.size, model::kLogOverhead, frame).ok()) break;
    int32_t length = int32_t(load_be32(frame.data() + 8));
    if (length < 0) break;
    uint64_t batch = uint64_t(length) + model::kLogOverhead;
    if (out.size + batch > slice.size || out.size + batch > limit) break;
    out.size += batch;
  }
  return out;
}

class TimerWaiter final : public FetchWaiter {
 public:
  explicit TimerWaiter(asio::any_io_executor ex) : timer(ex) {}
  void wake() override {
    woken = true;
    timer.cancel();
  }
  asio::steady_timer timer;
  bool woken = false;
};

// A follower's read of a partition this broker should lead.
ReadOutcome follower_read(Broker& broker, Partition& p, const Wanted& w, int32_t replica_id, int64_t replica_epoch) {
  ReadOutcome o;
  replication::LocalPartitionView view{broker.acts_as_leader(p, mono_ms()), p.leader_epoch};
  bool assigned = p.leader_state && p.leader_state->is_follower(replica_id);
  if (auto s = replication::check_follower_fetch(view, w.current_leader_epoch, replica_id, assigned); !s.ok()) {
    o.error = s.error().code;
    return o;
  }
  std::vector<replication::EpochEntry> epochs;
  for (const auto& e : p.log->epochs().entries()) epochs.push_back({e.epoch, e.start_offset});
  const int64_t leo = p.log->log_end_offset();
  replication::LeaderLogView lv{view, epochs, p.log->log_start_offset(), leo};
  auto div = replication::check_fetch_divergence(lv, w.current_leader_epoch, w.fetch_offset, w.last_fetched_epoch);
  o.log_start_offset = p.log->log_start_offset();
  if (!div.ok()) {
    o.error = div.error().code;
    return o;
  }
  if (*div) {
    o.diverging = **div;
    o.high_watermark = p.high_watermark();
    o.last_stable_offset = p.last_stable_offset();
    return o;
  }
  if (w.fetch_offset > leo) {
    o.error = kOffsetOutOfRange;
    return o;
  }
  if (w.fetch_offset < leo) {
    auto slice = p.log->read(w.fetch_offset, std::max(w.max_bytes, 1), leo, true);
    if (!slice.ok()) {
      o.error = slice.error().code;
      return o;
    }
    o.slice = *slice;
  }
  auto outcome = p.leader_state->on_follower_fetch(replica_id, w.fetch_offset, leo, mono_ms(), replica_epoch);
  if (outcome.ok()) {
    if (outcome->high_watermark_changed) broker.on_high_watermark_changed(p);
    if (outcome->alter_partition) {
      GLOG_INFO("{}-{}: expanding ISR {} with {}", p.topic, p.index, fmt::join(p.leader_state->isr(), ","),
                replica_id);
      broker.send_alter_partition({p.topic, p.index}, *outcome->alter_partition);
    }
  } else {
    o.error = outcome.error().code;
    o.slice = io::FileSlice{};
    return o;
  }
  o.high_watermark = p.high_watermark();
  o.last_stable_offset = p.last_stable_offset();
  return o;
}

}  // namespace

asio::awaitable<net::HandlerResult> fetch(RequestContext& ctx) {
  auto req = decode_body<proto::FetchRequest>(ctx);
  if (!req) co_return close_connection();
  if (req->topics.size() == 1 && req->topics[0].topic == "__cluster_metadata" && ctx.version() <= 12)
    co_return co_await raft_fetch(ctx, *req);
  Broker& broker = ctx.broker;
  ShardState& local = broker.local();
  const int16_t version = ctx.version();
  const int32_t replica_id = version >= 15 ? req->replica_state.replica_id : req->replica_id;
  const int64_t replica_epoch = version >= 15 ? req->replica_state.replica_epoch : -1;
  const bool read_committed = req->isolation_level == 1;
  proto::FetchResponse resp;

  // Resolve the requested partitions (topic ids from v13).
  std::vector<Wanted> requested;
  std::vector<std::pair<std::string, int32_t>> forgotten;
  for (const auto& t : req->topics) {
    std::string name = t.topic;
    if (version >= 13) {
      const auto* info = local.image->find_topic(t.topic_id);
      name = info ? info->name : std::string();
    }
    for (const auto& p : t.partitions)
      requested.push_back(Wanted{name, t.topic_id, p.partition, p.fetch_offset, p.partition_max_bytes,
                                 p.current_leader_epoch, p.last_fetched_epoch});
  }
  for (const auto& f : req->forgotten_topics_data) {
    std::string name = f.topic;
    if (version >= 13) {
      const auto* info = local.image->find_topic(f.topic_id);
      if (!info) continue;
      name = info->name;
    }
    for (int32_t p : f.partitions) forgotten.emplace_back(name, p);
  }

  // Session handling (KIP-227).
  FetchSession* session = nullptr;
  bool incremental = false;
  if (version >= 7) {
    int32_t sid = req->session_id, epoch = req->session_epoch;
    if (epoch == -1) {
      if (sid != 0) local.sessions.remove(sid);
    } else if (epoch == 0) {
      if (sid != 0) local.sessions.remove(sid);
      session = &local.sessions.create();
    } else {
      session = local.sessions.find(sid);
      if (!session) {
        resp.error_code = kFetchSessionIdNotFound;
        co_return respond(ctx, resp);
      }
      if (session->epoch != epoch) {
        resp.error_code = kInvalidFetchSessionEpoch;
        co_return respond(ctx, resp);
      }
      incremental = true;
    }
  }
  if (session) {
    if (!incremental) session->partitions.clear();
    for (const auto& w : requested) {
      auto& sp = session->partitions[{w.topic, w.partition}];
      sp.fetch_offset = w.fetch_offset;
      sp.max_bytes = w.max_bytes;
    }
    for (const auto& f : forgotten) session->partitions.erase(f);
    if (incremental) {
      // Fetch every partition of the session, with the offsets it remembers.
      std::map<std::pair<std::string, int32_t>, Wanted> by_key;
      for (const auto& w : requested) by_key[{w.topic, w.partition}] = w;
      requested.clear();
      for (const auto& [key, sp] : session->partitions) {
        Wanted w{key.first, {}, key.second, sp.fetch_offset, sp.max_bytes, -1};
        if (auto it = by_key.find(key); it != by_key.end()) w.current_leader_epoch = it->second.current_leader_epoch;
        if (const auto* info = local.image->find_topic(key.first)) w.topic_id = info->id;
        requested.push_back(w);
      }
    }
    // A new session expects epoch 1 next; an incremental fetch moves the expectation on.
    if (incremental) session->epoch = session->epoch == INT32_MAX ? 1 : session->epoch + 1;
    resp.session_id = session->id;
  }

  const int32_t max_bytes = req->max_bytes;
  const int64_t deadline = mono_ms() + std::max<int32_t>(0, req->max_wait_ms);
  std::shared_ptr<TimerWaiter> waiter;
  std::vector<ReadOutcome> outcomes(requested.size());

  for (;;) {
    // Read every partition on its owner shard, in request order, within the byte budgets.
    int64_t budget = max_bytes;
    bool first = true;
    size_t total = 0;
    bool any_error = false;
    std::map<size_t, std::vector<size_t>> by_shard;
    for (size_t i = 0; i < requested.size(); ++i) {
      const auto& w = requested[i];
      if (w.topic.empty()) {
        outcomes[i] = ReadOutcome{version >= 13 ? kUnknownTopicId : kUnknownTopic};
        any_error = true;
        continue;
      }
      by_shard[broker.owner_of(w.topic, w.partition)].push_back(i);
    }
    // Partitions are read shard by shard; the byte budget is applied in request order after.
    for (auto& [shard, idxs] : by_shard) {
      std::vector<std::pair<size_t, Wanted>> items;
      for (size_t i : idxs) items.emplace_back(i, requested[i]);
      auto waiter_ref = waiter;
      size_t my_shard = local.shard;
      auto got = co_await broker.shards().invoke_on(shard, [&broker, sh = shard, &items, &waiter_ref, my_shard,
                                                            replica_id, replica_epoch, read_committed, max_bytes] {
        std::vector<std::pair<size_t, ReadOutcome>> out;
        auto& st = broker.state(sh);
        for (const auto& [i, w] : items) {
          ReadOutcome o;
          Partition* p = st.find(w.topic, w.partition);
          if (replica_id >= 0) {
            if (!p) o.error = st.image->find_topic(w.topic) ? kNotLeaderOrFollower : kUnknownTopic;
            else {
              Wanted capped = w;
              capped.max_bytes = std::min(w.max_bytes, max_bytes);
              o = follower_read(broker, *p, capped, replica_id, replica_epoch);
            }
            if (waiter_ref && o.error == 0 && o.slice.size == 0 && !o.diverging)
              p->waiters.push_back(WaiterRef{my_shard, waiter_ref});
          } else if (!p || !broker.acts_as_leader(*p, mono_ms())) {
            o.error = st.image->find_topic(w.topic) ? kNotLeaderOrFollower : kUnknownTopic;
          } else if (w.current_leader_epoch >= 0 && w.current_leader_epoch < p->leader_epoch) {
            o.error = kFencedLeaderEpoch;
          } else if (w.current_leader_epoch > p->leader_epoch) {
            o.error = kUnknownLeaderEpoch;
          } else {
            o.high_watermark = p->high_watermark();
            o.last_stable_offset = p->last_stable_offset();
            o.log_start_offset = p->log->log_start_offset();
            // read_committed reads stop at the last stable offset.
            const int64_t upper = read_committed ? o.last_stable_offset : o.high_watermark;
            // Out of range only past the log end: a new leader's high watermark can trail the
            // one a consumer already read up to, and such a fetch just waits (as in Kafka).
            if (w.fetch_offset < o.log_start_offset || w.fetch_offset > p->log->log_end_offset()) {
              o.error = kOffsetOutOfRange;
            } else if (w.fetch_offset < upper) {
              int64_t end = w.fetch_offset;
              // No partition reads past the response's limit (beyond one whole first batch).
              const int32_t limit = std::max(std::min(w.max_bytes, max_bytes), 1);
              auto slice = p->log->read(w.fetch_offset, limit, upper, true, &end);
              if (!slice.ok()) o.error = slice.error().code;
              else o.slice = *slice;
              if (read_committed && o.slice.size > 0) o.aborted = p->log->aborted_transactions(w.fetch_offset, end);
            }
            if (waiter_ref && o.error == 0 && o.slice.size == 0)
              p->waiters.push_back(WaiterRef{my_shard, waiter_ref});
          }
          out.emplace_back(i, o);
        }
        return out;
      });
      for (auto& [i, o] : got) outcomes[i] = o;
    }
    // Apply fetch.max.bytes in request order: the first non-empty partition keeps its read
    // (at least one whole batch); later ones are cut to the whole batches that still fit.
    for (size_t i = 0; i < outcomes.size(); ++i) {
      auto& o = outcomes[i];
      if (o.error != 0 || o.diverging) any_error = true;  // answer at once
      if (o.slice.size == 0) continue;
      if (!first) {
        const uint64_t allowed = uint64_t(std::max<int64_t>(std::min<int64_t>(budget, requested[i].max_bytes), 0));
        if (o.slice.size > allowed) o.slice = whole_batches_within(o.slice, allowed);
        if (o.slice.size == 0) {
          o.slice = io::FileSlice{};
          continue;
        }
      }
      first = false;
      budget -= o.slice.size;
      total += o.slice.size;
    }
    if (total >= size_t(std::max<int32_t>(req->min_bytes, 1)) || any_error || mono_ms() >= deadline ||
        requested.empty())
      break;
    if (total > 0 && waiter) break;  // woken with some data
    if (!waiter) {
      // Register for wakeups and read again (data may have arrived meanwhile).
      waiter = std::make_shared<TimerWaiter>(co_await asio::this_coro::executor);
      continue;
    }
    if (!waiter->woken) {
      waiter->timer.expires_after(std::chrono::milliseconds(std::max<int64_t>(1, deadline - mono_ms())));
      std::error_code ec;
      co_await waiter->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (mono_ms() >= deadline && !waiter->woken) {
      // Timed out: one last read happens only if woken; answer with what we have.
      break;
    }
    waiter = std::make_shared<TimerWaiter>(co_await asio::this_coro::executor);
  }

  // Build the response (incremental sessions report only partitions with news).
  std::map<std::string, size_t> topic_pos;
  for (size_t i = 0; i < requested.size(); ++i) {
    const auto& w = requested[i];
    auto& o = outcomes[i];
    if (incremental && session) {
      auto it = session->partitions.find({w.topic, w.partition});
      if (it != session->partitions.end()) {
        auto& sp = it->second;
        bool news = o.error != 0 || o.slice.size > 0 || !sp.reported || sp.last_high_watermark != o.high_watermark ||
                    sp.last_stable_offset != o.last_stable_offset || sp.last_log_start != o.log_start_offset;
        sp.reported = true;
        sp.last_high_watermark = o.high_watermark;
        sp.last_stable_offset = o.last_stable_offset;
        sp.last_log_start = o.log_start_offset;
        if (!news) continue;
      }
    } else if (session) {
      auto it = session->partitions.find({w.topic, w.partition});
      if (it != session->partitions.end()) {
        it->second.reported = true;
        it->second.last_high_watermark = o.high_watermark;
        it->second.last_stable_offset = o.last_stable_offset;
        it->second.last_log_start = o.log_start_offset;
      }
    }
    std::string key = version >= 13 ? w.topic_id.to_string() : w.topic;
    auto pos = topic_pos.find(key);
    if (pos == topic_pos.end() || pos->second != resp.responses.size() - 1) {
      proto::FetchResponse::FetchableTopicResponse tr;
      tr.topic = w.topic;
      tr.topic_id = w.topic_id;
      resp.responses.push_back(std::move(tr));
      topic_pos[key] = resp.responses.size() - 1;
    }
    proto::FetchResponse::PartitionData pd;
    pd.partition_index = w.partition;
    pd.error_code = o.error;
    pd.high_watermark = o.high_watermark;
    pd.last_stable_offset = o.last_stable_offset;
    pd.log_start_offset = o.log_start_offset;
    if (read_committed) {
      std::vector<proto::FetchResponse::AbortedTransaction> aborted;
      for (const auto& a : o.aborted) {
        proto::FetchResponse::AbortedTransaction at;
        at.producer_id = a.producer_id;
        at.first_offset = a.first_offset;
        aborted.push_back(at);
      }
      pd.aborted_transactions = std::move(aborted);
    } else {
      pd.aborted_transactions = std::nullopt;
    }
    if (o.slice.size > 0) pd.records.append(o.slice);
    if (o.diverging) {
      pd.diverging_epoch.epoch = o.diverging->epoch;
      pd.diverging_epoch.end_offset = o.diverging->end_offset;
    }
    resp.responses.back().partitions.push_back(std::move(pd));
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
