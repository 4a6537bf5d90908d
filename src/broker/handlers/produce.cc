// Produce (0): appends record batches to partition logs on their owner shards, on the broker
// that leads each partition. acks=0 gets no response; acks=1 is answered after the leader's
// append; acks=all waits until the high watermark passes the appended batches (every ISR
// member has them), answering REQUEST_TIMED_OUT after timeout.ms, NOT_ENOUGH_REPLICAS (before
// appending) when the ISR is smaller than min.insync.replicas, and
// NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below it meanwhile.
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <map>

#include "base/clock.h"
#include "base/log.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/log_dir_failure.h"
#include "metadata/log_config.h"
#include "model/batch_iterator.h"
#include "model/error_code.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

namespace {

constexpr int16_t kUnknownTopic = 3, kNotLeaderOrFollower = 6, kRequestTimedOut = 7, kNotEnoughReplicas = 19,
                  kInvalidRequiredAcks = 21, kUnknownTopicId = 100, kCorruptMessage = 2, kInvalidRecord = 87;

// The request's acks=all partitions still waiting; completions arrive on this shard.
class ProduceAckWaiter final : public AckWaiter {
 public:
  explicit ProduceAckWaiter(asio::any_io_executor ex) : timer(ex) {}
  void complete(size_t slot, int16_t error_code) override {
    // May arrive before the handler registered the slot in `waiting`; `done` keeps it.
    done[slot] = error_code;
    waiting.erase(slot);
    if (waiting.empty()) timer.cancel();
  }
  asio::steady_timer timer;
  std::map<size_t, int16_t> waiting;  // slot -> (unused)
  std::map<size_t, int16_t> done;     // slot -> error code
};

// Control batches (transaction markers) are written by the broker only.
bool has_control_batch(ByteView records) {
  model::BatchIterator it(records);
  while (auto b = it.next())
    if (b->header.is_control()) return true;
  return false;
}

// Produce v3+ carries exactly one batch per partition (what producer-id de-duplication relies on).
bool single_batch(ByteView records) {
  model::BatchIterator it(records);
  return it.next() && !it.next();
}

struct PartitionWork {
  size_t topic_index;
  size_t partition_index;
  std::string topic;
  int32_t partition;
  SharedSlice records;
  size_t slot;  // index into the request's flat partition list (slot_position)
};

struct PartitionOutcome {
  size_t topic_index;
  size_t partition_index;
  size_t slot;
  int16_t error = 0;
  std::string message;
  int64_t base_offset = -1;
  int64_t log_append_time = -1;
  int64_t log_start_offset = -1;
  bool waiting = false;  // acks=all: parked until the high watermark passes it
};

}  // namespace

asio::awaitable<net::HandlerResult> produce(RequestContext& ctx) {
  auto req = decode_body<proto::ProduceRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  const auto& image = *broker.local().image;
  int16_t acks = req->acks;

  proto::ProduceResponse resp;
  std::map<size_t, std::vector<PartitionWork>> by_shard;
  // (topic index, partition index) of each slot an acks=all completion names: any number of
  // partitions, no packing into bits.
  std::vector<std::pair<size_t, size_t>> slot_position;
  for (size_t ti = 0; ti < req->topic_data.size(); ++ti) {
    auto& td = req->topic_data[ti];
    proto::ProduceResponse::TopicProduceResponse tr;
    tr.name = td.name;
    tr.topic_id = td.topic_id;
    const metadata::TopicInfo* topic = ctx.version() >= 13 ? image.find_topic(td.topic_id) : image.find_topic(td.name);
    if (topic) td.name = topic->name;
    for (size_t pi = 0; pi < td.partition_data.size(); ++pi) {
      const auto& pd = td.partition_data[pi];
      proto::ProduceResponse::PartitionProduceResponse pr;
      pr.index = pd.index;
      pr.base_offset = -1;
      if (acks != 0 && acks != 1 && acks != -1) {
        pr.error_code = kInvalidRequiredAcks;
      } else if (!topic || pd.index < 0 || size_t(pd.index) >= topic->partitions.size()) {
        pr.error_code = ctx.version() >= 13 && !topic ? kUnknownTopicId : kUnknownTopic;
      } else if (pd.records.is_null() || pd.records.empty() || !pd.records.single_slice()) {
        pr.error_code = kCorruptMessage;
      } else if (has_control_batch(pd.records.single_slice()->view())) {
        pr.error_code = kInvalidRecord;
        pr.error_message = "Clients are not allowed to write control records";
      } else if (!single_batch(pd.records.single_slice()->view())) {
        pr.error_code = kInvalidRecord;  // without a message, as Kafka answers it
      } else {
        by_shard[broker.owner_of(topic->name, pd.index)].push_back(
            PartitionWork{ti, pi, topic->name, pd.index, *pd.records.single_slice(), slot_position.size()});
        slot_position.emplace_back(ti, pi);
      }
      tr.partition_responses.push_back(std::move(pr));
    }
    resp.responses.push_back(std::move(tr));
  }

  auto executor = co_await asio::this_coro::executor;
  std::shared_ptr<ProduceAckWaiter> ack_waiter;
  if (acks == -1 && !by_shard.empty()) ack_waiter = std::make_shared<ProduceAckWaiter>(executor);
  const int64_t ack_deadline = mono_ms() + std::max<int32_t>(0, req->timeout_ms);
  const size_t my_shard = broker.local().shard;
  for (auto& [shard, work] : by_shard) {
    std::weak_ptr<AckWaiter> weak = ack_waiter;
    // (invoke_on takes only trivially destructible captures: the weak_ptr by reference.)
    auto outcomes = co_await broker.shards().invoke_on(shard, [&broker, sh = shard, w_ptr = &work, acks, &weak, my_shard,
                                                               ack_deadline] {
      std::vector<PartitionOutcome> out;
      auto& st = broker.state(sh);
      int64_t now = wall_ms();
      for (const auto& w : *w_ptr) {
        PartitionOutcome o{w.topic_index, w.partition_index, w.slot};
        Partition* p = st.find(w.topic, w.partition);
        if (!p || !broker.acts_as_leader(*p, mono_ms())) {
          // The topic exists (checked above) but this broker does not lead the partition.
          o.error = kNotLeaderOrFollower;
          out.push_back(o);
          continue;
        }
        if (acks == -1) {
          if (auto enough = p->leader_state->check_enough_replicas(); !enough.ok()) {
            o.error = kNotEnoughReplicas;
            o.message = enough.error().message;
            out.push_back(o);
            continue;
          }
        }
        auto appended = p->log->append(w.records.view(), p->leader_epoch, now);
        if (!appended.ok()) {
          o.error = appended.error().code;
          o.message = appended.error().message;
          if (o.error == int16_t(model::ErrorCode::KAFKA_STORAGE_ERROR)) {
            // A full or failing disk: one line per interval and shard, naming the dir.
            static thread_local int64_t last_ms = -1;
            static thread_local uint64_t failed = 0;
            ++failed;
            if (int64_t m = mono_ms(); last_ms < 0 || m - last_ms >= 10000) {
              GLOG_WARN("produce to {} failed ({} failure(s) in the last interval on this shard): {}",
                        p->log->dir().parent_path().string(), failed, o.message);
              last_ms = m;
              failed = 0;
            }
          }
        } else {
          // A retried batch (AppendInfo::duplicate) is answered with its first offsets and,
          // for acks=all, once those are committed.
          o.base_offset = appended->first_offset;
          o.log_append_time = appended->log_append_time;
          // flush.messages=1 means what it says: the records are on disk before the answer.
          if (auto s = p->log->flush_if_due(now); !s.ok()) halt_on_log_dir_failure(p->log->dir(), s.error());
          if (!appended->duplicate) broker.after_leader_append(*p);
          if (acks == -1) {
            int64_t required = appended->last_offset + 1;
            if (p->high_watermark() >= required) {
              o.error = p->leader_state->acks_reached_error_code();
            } else {
              if (broker.park_ack(*p, required, ack_deadline, AckWaiterRef{my_shard, w.slot, weak})) o.waiting = true;
              else o.error = kRequestTimedOut;
            }
          }
        }
        o.log_start_offset = p->log->log_start_offset();
        out.push_back(o);
      }
      return out;
    });
    for (const auto& o : outcomes) {
      auto& pr = resp.responses[o.topic_index].partition_responses[o.partition_index];
      pr.error_code = o.error;
      pr.base_offset = o.base_offset;
      pr.log_append_time_ms = o.log_append_time;
      pr.log_start_offset = o.log_start_offset;
      if (!o.message.empty()) pr.error_message = o.message;
      if (o.waiting) ack_waiter->waiting.emplace(o.slot, 0);
    }
  }
  if (ack_waiter) {
    // Completions posted before we registered a slot are in `done`: drop them from `waiting`.
    for (const auto& [slot, code] : ack_waiter->done) ack_waiter->waiting.erase(slot);
    while (!ack_waiter->waiting.empty() && mono_ms() < ack_deadline) {
      ack_waiter->timer.expires_after(std::chrono::milliseconds(ack_deadline - mono_ms()));
      std::error_code ec;
      co_await ack_waiter->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    auto response_of = [&](size_t slot) -> auto& {
      const auto& [ti, pi] = slot_position.at(slot);
      return resp.responses[ti].partition_responses[pi];
    };
    for (const auto& [slot, code] : ack_waiter->done) response_of(slot).error_code = code;
    for (const auto& [slot, unused] : ack_waiter->waiting) response_of(slot).error_code = kRequestTimedOut;
  }
  if (acks == 0) co_return no_response();
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
