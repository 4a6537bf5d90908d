// Broker state changes and what they do to partitions (Kafka's handleBrokerFenced,
// handleBrokerUnfenced, handleBrokerInControlledShutdown, handleBrokerUnregistered):
//   - fence_broker: every partition whose ISR holds the broker is re-elected with the broker
//     excluded: it leaves the ISR unless it is the last member (then the ISR keeps it), and a
//     partition it led gets as leader the first replica in assignment order that is in the ISR
//     and active; with none, no leader (offline) — unless unclean.leader.election.enable (topic
//     or broker default) lets any active replica lead (the ISR becomes just that replica,
//     leader recovery state RECOVERING). Then a BrokerRegistrationChangeRecord(fenced).
//   - unfence_broker: BrokerRegistrationChangeRecord(unfenced), then every leaderless partition
//     is re-elected with the broker acceptable: it leads where it is in the ISR (or, unclean
//     election enabled, where it or another active broker is a replica).
//   - enter_controlled_shutdown: BrokerRegistrationChangeRecord(in controlled shutdown), then
//     the same partition changes as fencing (leaderships move away, ISR membership ends).
//   - unregister_broker: the fencing partition changes, then UnregisterBrokerRecord.
//   - maybe_fence_stale_broker: fences the unfenced broker whose heartbeat session expired
//     longest ago (one per call, as Kafka does, so each fencing is committed and visible before
//     the next; call again until it returns no broker).
// Thread-safety: pure functions of their arguments (maybe_fence_stale_broker marks the broker
// fenced in the heartbeat manager).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/result.h"
#include "controller/decision.h"
#include "controller/heartbeat_manager.h"

namespace gregor::controller {

// The PartitionChangeRecords that take `broker_to_remove` out of leadership and ISRs (partitions
// whose ISR contains it) and/or let `broker_to_add` lead leaderless partitions; -1 for neither.
std::vector<metadata::MetadataRecord> leader_and_isr_updates(const metadata::Image& image,
                                                             const metadata::BrokerConfig& config,
                                                             int32_t broker_to_remove, int32_t broker_to_add);

// REQUIRES: image.find_broker(broker_id) for the four below.
std::vector<metadata::MetadataRecord> fence_broker(const metadata::Image& image, const metadata::BrokerConfig& config,
                                                   int32_t broker_id);
std::vector<metadata::MetadataRecord> unfence_broker(const metadata::Image& image, const metadata::BrokerConfig& config,
                                                     int32_t broker_id);
std::vector<metadata::MetadataRecord> enter_controlled_shutdown(const metadata::Image& image,
                                                                const metadata::BrokerConfig& config,
                                                                int32_t broker_id);

// BROKER_ID_NOT_REGISTERED (102) when the id is not registered.
Result<std::vector<metadata::MetadataRecord>> unregister_broker(const metadata::Image& image,
                                                                const metadata::BrokerConfig& config,
                                                                int32_t broker_id);

// response: the broker fenced, or nullopt when no session has expired.
ControllerResult<std::optional<int32_t>> maybe_fence_stale_broker(const metadata::Image& image,
                                                                   const metadata::BrokerConfig& config,
                                                                   BrokerHeartbeatManager& heartbeats, int64_t now_ms);

}  // namespace gregor::controller
