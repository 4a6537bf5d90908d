#include "controller/fencing.h"

#include <fmt/format.h>

#include "base/assert.h"
#include "controller/partition_change.h"
#include "model/error_code.h"

namespace gregor::controller {

using metadata::BrokerRegistrationChangeRecord;
using metadata::FencingChange;
using metadata::MetadataRecord;

std::vector<MetadataRecord> leader_and_isr_updates(const metadata::Image& image, const metadata::BrokerConfig& config,
                                                   int32_t broker_to_remove, int32_t broker_to_add) {
  std::vector<MetadataRecord> out;
  // The image still shows broker_to_add fenced while its unfencing is being decided, and
  // broker_to_remove unfenced while its fencing is.
  auto acceptable = [&](int32_t r) {
    return r != broker_to_remove && (r == broker_to_add || image.is_active_broker(r));
  };
  for (const auto& [name, topic] : image.topics) {
    const bool unclean = unclean_election_enabled(config, topic);
    for (size_t i = 0; i < topic.partitions.size(); ++i) {
      const auto& p = topic.partitions[i];
      bool affected = (broker_to_remove >= 0 && contains(p.isr, broker_to_remove)) ||
                      (broker_to_add >= 0 && p.leader == metadata::kNoLeader);
      if (!affected) continue;
      std::vector<int32_t> isr;
      for (int32_t r : p.isr)
        if (r != broker_to_remove) isr.push_back(r);
      PartitionChangeBuilder builder(p, topic.id, int32_t(i), acceptable);
      builder.set_target_isr(std::move(isr));
      if (unclean) builder.set_election(Election::kUnclean);
      if (auto rec = builder.build()) out.push_back(std::move(*rec));
    }
  }
  return out;
}

namespace {
const metadata::BrokerInfo& broker_or_die(const metadata::Image& image, int32_t id) {
  const metadata::BrokerInfo* b = image.find_broker(id);
  GREGOR_ASSERT_MSG(b != nullptr, "decision for an unknown broker");
  return *b;
}
}  // namespace

std::vector<MetadataRecord> fence_broker(const metadata::Image& image, const metadata::BrokerConfig& config,
                                         int32_t broker_id) {
  const auto& b = broker_or_die(image, broker_id);
  auto out = leader_and_isr_updates(image, config, broker_id, -1);
  out.push_back(BrokerRegistrationChangeRecord{broker_id, b.epoch, FencingChange::kFence, false});
  return out;
}

std::vector<MetadataRecord> unfence_broker(const metadata::Image& image, const metadata::BrokerConfig& config,
                                           int32_t broker_id) {
  const auto& b = broker_or_die(image, broker_id);
  std::vector<MetadataRecord> out{BrokerRegistrationChangeRecord{broker_id, b.epoch, FencingChange::kUnfence, false}};
  for (auto& r : leader_and_isr_updates(image, config, -1, broker_id)) out.push_back(std::move(r));
  return out;
}

std::vector<MetadataRecord> enter_controlled_shutdown(const metadata::Image& image, const metadata::BrokerConfig& config,
                                                      int32_t broker_id) {
  const auto& b = broker_or_die(image, broker_id);
  std::vector<MetadataRecord> out;
  if (!b.in_controlled_shutdown)
    out.push_back(BrokerRegistrationChangeRecord{broker_id, b.epoch, FencingChange::kNone, true});
  for (auto& r : leader_and_isr_updates(image, config, broker_id, -1)) out.push_back(std::move(r));
  return out;
}

Result<std::vector<MetadataRecord>> unregister_broker(const metadata::Image& image, const metadata::BrokerConfig& config,
                                                      int32_t broker_id) {
  const metadata::BrokerInfo* b = image.find_broker(broker_id);
  if (!b || !b->registered())
    return make_error(int16_t(model::ErrorCode::BROKER_ID_NOT_REGISTERED),
                      fmt::format("Broker ID {} is not currently registered", broker_id));
  auto out = leader_and_isr_updates(image, config, broker_id, -1);
  out.push_back(metadata::UnregisterBrokerRecord{broker_id, b->epoch});
  return out;
}

ControllerResult<std::optional<int32_t>> maybe_fence_stale_broker(const metadata::Image& image,
                                                                   const metadata::BrokerConfig& config,
                                                                   BrokerHeartbeatManager& heartbeats, int64_t now_ms) {
  ControllerResult<std::optional<int32_t>> result;
  // Brokers the manager tracks but the image no longer has (unregistered) are dropped.
  for (;;) {
    auto stale = heartbeats.find_stale_broker(now_ms);
    if (!stale) return result;
    const metadata::BrokerInfo* b = image.find_broker(*stale);
    if (!b) {
      heartbeats.remove(*stale);
      continue;
    }
    heartbeats.fence(*stale);
    if (b->fenced) continue;  // already fenced in the image; nothing to write
    result.records = fence_broker(image, config, *stale);
    result.response = *stale;
    return result;
  }
}

}  // namespace gregor::controller
