#include "controller/broker_lifecycle.h"

#include <fmt/format.h>

#include <algorithm>

#include "controller/fencing.h"
#include "model/error_code.h"

namespace gregor::controller {

using model::ErrorCode;

namespace {
enum class State { kFenced, kUnfenced, kControlledShutdown, kShutdownNow };

State next_state(State current, const BrokerHeartbeatRequest& req, int64_t registration_offset, bool leads) {
  switch (current) {
    case State::kFenced:
      if (req.want_shut_down) return State::kShutdownNow;
      if (!req.want_fence && req.current_metadata_offset >= registration_offset) return State::kUnfenced;
      return State::kFenced;
    case State::kUnfenced:
      if (req.want_fence) return req.want_shut_down ? State::kShutdownNow : State::kFenced;
      if (req.want_shut_down) return leads ? State::kControlledShutdown : State::kShutdownNow;
      return State::kUnfenced;
    case State::kControlledShutdown:
      return leads ? State::kControlledShutdown : State::kShutdownNow;
    case State::kShutdownNow:
      break;
  }
  return State::kShutdownNow;
}
}  // namespace

ControllerResult<BrokerRegistrationReply> register_broker(const metadata::Image& image,
                                                          const metadata::BrokerConfig& config,
                                                          BrokerHeartbeatManager& heartbeats,
                                                          const BrokerRegistrationRequest& req, int64_t now_ms,
                                                          int64_t min_epoch, bool known_sole_incarnation) {
  ControllerResult<BrokerRegistrationReply> result;
  auto fail = [&](ErrorCode code, std::string message) {
    result.response.error = int16_t(code);
    result.response.message = std::move(message);
    return result;
  };
  if (!image.cluster_id.empty() && req.cluster_id != image.cluster_id)
    return fail(ErrorCode::INCONSISTENT_CLUSTER_ID,
                fmt::format("Expected cluster ID {}, but got cluster ID {}", image.cluster_id, req.cluster_id));
  if (req.broker_id < 0) return fail(ErrorCode::INVALID_REQUEST, fmt::format("Invalid broker id {}", req.broker_id));
  if (req.is_migrating_zk_broker)
    return fail(ErrorCode::BROKER_ID_NOT_REGISTERED, "Controller does not support registering ZK brokers.");

  const metadata::BrokerInfo* existing = image.find_broker(req.broker_id);
  if (existing && !existing->registered()) existing = nullptr;  // a hand-seeded entry
  const bool same_incarnation = existing && existing->incarnation_id == req.incarnation_id;
  if (existing && !same_incarnation && !known_sole_incarnation && heartbeats.has_valid_session(req.broker_id, now_ms))
    return fail(ErrorCode::DUPLICATE_BROKER_REGISTRATION,
                fmt::format("Another broker is registered with that broker id: broker {} (incarnation {}) is still "
                            "alive (heard from within broker.session.timeout.ms={}); refusing incarnation {}.",
                            req.broker_id, existing->incarnation_id.to_string(), heartbeats.session_timeout_ms(),
                            req.incarnation_id.to_string()));

  metadata::RegisterBrokerRecord rec;
  rec.broker_id = req.broker_id;
  rec.is_migrating_zk_broker = false;
  rec.incarnation_id = req.incarnation_id;
  rec.endpoints = req.listeners;
  rec.features = req.features;
  rec.rack = req.rack;
  rec.log_dirs = req.log_dirs;
  if (same_incarnation) {
    rec.broker_epoch = existing->epoch;
    rec.fenced = existing->fenced;
    rec.in_controlled_shutdown = existing->in_controlled_shutdown;
  } else {
    rec.broker_epoch = std::max(image.max_broker_epoch + 1, min_epoch);
    rec.fenced = true;
    rec.in_controlled_shutdown = false;
    // The old incarnation is gone: take its leaderships and ISR places away before replacing it.
    if (existing && !existing->fenced) result.records = leader_and_isr_updates(image, config, req.broker_id, -1);
    heartbeats.remove(req.broker_id);
  }
  heartbeats.register_broker(req.broker_id, rec.fenced, now_ms);
  result.response.broker_epoch = rec.broker_epoch;
  result.records.push_back(std::move(rec));
  return result;
}

ControllerResult<BrokerHeartbeatReply> process_heartbeat(const metadata::Image& image,
                                                         const metadata::BrokerConfig& config,
                                                         BrokerHeartbeatManager& heartbeats,
                                                         const BrokerHeartbeatRequest& req, int64_t now_ms) {
  ControllerResult<BrokerHeartbeatReply> result;
  const metadata::BrokerInfo* b = image.find_broker(req.broker_id);
  if (!b || !b->registered()) {
    result.response.error = int16_t(ErrorCode::STALE_BROKER_EPOCH);
    result.response.message = fmt::format("No broker registration found for broker id {}", req.broker_id);
    return result;
  }
  if (b->epoch != req.broker_epoch) {
    result.response.error = int16_t(ErrorCode::STALE_BROKER_EPOCH);
    result.response.message =
        fmt::format("Expected broker epoch {}, but got broker epoch {}", b->epoch, req.broker_epoch);
    return result;
  }
  State current = b->fenced ? State::kFenced : b->in_controlled_shutdown ? State::kControlledShutdown : State::kUnfenced;
  const bool leads = leads_any_partition(image, req.broker_id);
  State next = next_state(current, req, b->registration_offset, leads);
  if (next != current) {
    switch (next) {
      case State::kFenced:
      case State::kShutdownNow:
        if (!b->fenced) result.records = fence_broker(image, config, req.broker_id);
        break;
      case State::kUnfenced:
        result.records = unfence_broker(image, config, req.broker_id);
        break;
      case State::kControlledShutdown:
        result.records = enter_controlled_shutdown(image, config, req.broker_id);
        break;
    }
  }
  const bool fenced = next == State::kFenced || next == State::kShutdownNow;
  heartbeats.touch(req.broker_id, fenced, req.current_metadata_offset, now_ms);
  result.response.is_caught_up = req.current_metadata_offset >= b->registration_offset;
  result.response.is_fenced = fenced;
  result.response.in_controlled_shutdown = next == State::kControlledShutdown;
  result.response.should_shut_down = next == State::kShutdownNow;
  return result;
}

}  // namespace gregor::controller
