// Broker registration and heartbeats, decided as Kafka's KRaft controller does
// (ClusterControlManager.registerBroker, BrokerHeartbeatManager.calculateNextBrokerState).
//
// register_broker (BrokerRegistration, API 62):
//   - INCONSISTENT_CLUSTER_ID when the request names another cluster;
//   - DUPLICATE_BROKER_REGISTRATION when the id is registered with another incarnation id whose
//     session is still valid (unfenced and heard from within broker.session.timeout.ms);
//   - the same incarnation again: the registration is amended, keeping epoch and fencing state;
//   - a new incarnation: a RegisterBrokerRecord with a new broker epoch, fenced. The epoch is
//     max(image.max_broker_epoch + 1, min_epoch) — pass the offset the record will get as
//     min_epoch to match Kafka (epoch = record offset). If the previous incarnation is still
//     unfenced in the image (its session expired but it was not fenced yet), the record is
//     preceded by the partition changes that fencing it would make.
// process_heartbeat (BrokerHeartbeat, API 63), for a broker in state FENCED, UNFENCED or
// CONTROLLED_SHUTDOWN (from the image):
//   - STALE_BROKER_EPOCH when the id is not registered or the epoch is not its current one;
//   - FENCED: want_shut_down -> shut down now; else unless want_fence, unfenced once
//     current_metadata_offset reached the broker's registration record offset
//     (BrokerInfo::registration_offset, set when the records are replayed with offsets);
//   - UNFENCED: want_fence -> fenced (or shut down now with want_shut_down); want_shut_down ->
//     controlled shutdown if it leads any partition, else shut down now;
//   - CONTROLLED_SHUTDOWN: shut down now once it leads nothing.
//   Entering FENCED or shut-down-now writes fence_broker's records; UNFENCED unfence_broker's;
//   CONTROLLED_SHUTDOWN enter_controlled_shutdown's (fencing.h). Every heartbeat refreshes the
//   broker's session in the heartbeat manager.
//   Not modelled: Kafka also holds the shut-down answer until every active broker has replayed
//   past the controlled-shutdown records (lowest active offset).
// Thread-safety: functions of their arguments; they update the heartbeat manager (in-memory
// controller state, as Kafka does) but write no records themselves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controller/decision.h"
#include "controller/heartbeat_manager.h"

namespace gregor::controller {

struct BrokerRegistrationRequest {
  int32_t broker_id = -1;
  std::string cluster_id;
  proto::Uuid incarnation_id;
  std::vector<metadata::Endpoint> listeners;
  std::vector<metadata::BrokerFeature> features;
  std::optional<std::string> rack;
  bool is_migrating_zk_broker = false;
  std::vector<proto::Uuid> log_dirs;
};

struct BrokerRegistrationReply {
  int16_t error = 0;
  std::string message;  // for logs (the response has no message field)
  int64_t broker_epoch = -1;
};

ControllerResult<BrokerRegistrationReply> register_broker(const metadata::Image& image,
                                                          const metadata::BrokerConfig& config,
                                                          BrokerHeartbeatManager& heartbeats,
                                                          const BrokerRegistrationRequest& request, int64_t now_ms,
                                                          int64_t min_epoch = 0, bool known_sole_incarnation = false);

struct BrokerHeartbeatRequest {
  int32_t broker_id = -1;
  int64_t broker_epoch = -1;
  int64_t current_metadata_offset = -1;
  bool want_fence = false;
  bool want_shut_down = false;
};

struct BrokerHeartbeatReply {
  int16_t error = 0;
  std::string message;
  bool is_caught_up = false;
  bool is_fenced = true;
  bool in_controlled_shutdown = false;
  bool should_shut_down = false;
};

ControllerResult<BrokerHeartbeatReply> process_heartbeat(const metadata::Image& image,
                                                         const metadata::BrokerConfig& config,
                                                         BrokerHeartbeatManager& heartbeats,
                                                         const BrokerHeartbeatRequest& request, int64_t now_ms);

}  // namespace gregor::controller
