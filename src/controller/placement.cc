#include "controller/placement.h"

#include <fmt/format.h>

#include "base/assert.h"
#include "model/error_code.h"

namespace gregor::controller {

namespace {
constexpr int16_t kInvalidReplicationFactor = int16_t(model::ErrorCode::INVALID_REPLICATION_FACTOR);

Error invalid_rf(int32_t rf, const std::string& why) {
  return make_error(kInvalidReplicationFactor, fmt::format("Unable to replicate the partition {} time(s): {}", rf, why));
}

// Round-robin over `ids` as described in placement.h. REQUIRES: rf <= ids.size().
std::vector<int32_t> round_robin(const std::vector<int32_t>& ids, int64_t index, int32_t rf, int64_t start,
                                 int64_t shift_seed) {
  const int64_t n = int64_t(ids.size());
  std::vector<int32_t> replicas;
  int64_t first = (index + start) % n;
  replicas.push_back(ids[size_t(first)]);
  int64_t shift = shift_seed + index / n;
  for (int32_t j = 1; j < rf; ++j) {
    int64_t k = n == 1 ? 0 : 1 + (shift + j - 1) % (n - 1);
    replicas.push_back(ids[size_t((first + k) % n)]);
  }
  return replicas;
}
}  // namespace

std::vector<UsableBroker> usable_brokers(const metadata::Image& image) {
  std::vector<UsableBroker> out;
  for (const auto& [id, b] : image.brokers)
    if (!b.in_controlled_shutdown) out.push_back({id, b.fenced});
  return out;
}

Result<Assignment> place_replicas(const std::vector<UsableBroker>& brokers, int32_t num_partitions,
                                  int32_t replication_factor, int32_t first_partition, uint64_t seed) {
  GREGOR_ASSERT(num_partitions >= 0);
  if (replication_factor <= 0)
    return invalid_rf(replication_factor, fmt::format("Invalid replication factor {}: the replication factor must be "
                                                      "positive.", replication_factor));
  std::vector<int32_t> unfenced, fenced;
  for (const auto& b : brokers) (b.fenced ? fenced : unfenced).push_back(b.id);
  if (unfenced.empty()) return invalid_rf(replication_factor, "All brokers are currently fenced.");
  size_t total = unfenced.size() + fenced.size();
  if (size_t(replication_factor) > total)
    return invalid_rf(replication_factor, fmt::format("The target replication factor of {} cannot be reached because "
                                                      "only {} broker(s) are registered.", replication_factor, total));
  const int64_t n = int64_t(unfenced.size());
  const int64_t start = int64_t(seed % uint64_t(n));
  const int64_t shift = int64_t((seed >> 32) % uint64_t(n));
  Assignment out;
  out.reserve(size_t(num_partitions));
  for (int32_t p = 0; p < num_partitions; ++p) {
    int64_t index = int64_t(first_partition) + p;
    int32_t on_unfenced = std::min<int32_t>(replication_factor, int32_t(n));
    std::vector<int32_t> replicas = round_robin(unfenced, index, on_unfenced, start, shift);
    // Too few unfenced brokers: the rest go to fenced ones, rotating so they share the load.
    for (int32_t j = on_unfenced; j < replication_factor; ++j)
      replicas.push_back(fenced[size_t((index + j - on_unfenced) % int64_t(fenced.size()))]);
    out.push_back(std::move(replicas));
  }
  return out;
}

Result<InitialState> initial_partition_state(const metadata::Image& image, const std::vector<int32_t>& replicas,
                                             int32_t replication_factor) {
  InitialState s;
  for (int32_t r : replicas)
    if (image.is_active_broker(r)) s.isr.push_back(r);
  if (s.isr.empty())
    return invalid_rf(replication_factor, "All brokers are currently fenced or in controlled shutdown.");
  s.leader = s.isr.front();
  return s;
}

}  // namespace gregor::controller
