// Producer ids for InitProducerId: this broker hands them out from blocks of 1000 that the
// active controller reserves durably in the metadata log (AllocateProducerIds, as Kafka's
// brokers do), so no id is ever handed out twice, across restarts and controller failovers.
// The block lives on shard 0.
#include <asio/co_spawn.hpp>
#include <asio/use_awaitable.hpp>

#include <fmt/format.h>

#include "base/log.h"
#include "broker/broker.h"
#include "broker/controller_call.h"
#include "net/client.h"
#include "net/rpc.h"
#include "protocol/generated/messages.h"

namespace gregor::broker {

namespace {

asio::awaitable<Result<controller::ProducerIdBlock>> fetch_block(Broker* broker) {
  if (broker->is_active_controller() || !broker->has_quorum()) {
    const int32_t id = broker->options().node_id;
    co_return co_await controller_call(
        *broker, [id](controller::Controller& c) { return c.allocate_producer_ids(id, -1); },
        Result<controller::ProducerIdBlock>(not_controller_error()));
  }
  auto client = broker->controller_client(broker->quorum_leader());
  if (!client) co_return make_error(int16_t(model::ErrorCode::COORDINATOR_LOAD_IN_PROGRESS), "no active controller");
  proto::AllocateProducerIdsRequest req;
  req.broker_id = broker->options().node_id;
  req.broker_epoch = broker->broker_epoch();
  auto resp = co_await net::rpc<proto::AllocateProducerIdsResponse>(
      *client, req, 0, fmt::format("broker-{}", broker->options().node_id), 5000);
  if (!resp.ok()) co_return resp.error();
  if (resp->error_code != 0) co_return make_error(resp->error_code, "AllocateProducerIds refused");
  if (resp->producer_id_start < 0 || resp->producer_id_len <= 0)
    co_return make_error(int16_t(model::ErrorCode::UNKNOWN_SERVER_ERROR), "AllocateProducerIds: an empty block");
  co_return controller::ProducerIdBlock{resp->producer_id_start, resp->producer_id_len};
}

}  // namespace

asio::awaitable<Result<int64_t>> Broker::allocate_producer_id() {
  // (The result travels in an optional: co_spawn needs a default-constructible value.)
  auto out = co_await asio::co_spawn(
      shards_.context(0),
      [this]() -> asio::awaitable<std::optional<Result<int64_t>>> {
        if (pid_next_ >= pid_end_) {
          auto block = co_await fetch_block(this);
          if (!block.ok()) {
            GLOG_WARN("no producer id block: {}", block.error().message);
            // Clients retry InitProducerId on this error.
            co_return Result<int64_t>(
                make_error(int16_t(model::ErrorCode::COORDINATOR_LOAD_IN_PROGRESS), block.error().message));
          }
          // Another caller may have fetched a block meanwhile; the newer one wins, the rest of
          // the older is left unused (ids are plentiful, and none is handed out twice).
          if (pid_next_ >= pid_end_ || block->start > pid_next_) {
            pid_next_ = block->start;
            pid_end_ = block->start + block->length;
          }
        }
        co_return Result<int64_t>(pid_next_++);
      },
      asio::use_awaitable);
  co_return std::move(*out);
}

}  // namespace gregor::broker
