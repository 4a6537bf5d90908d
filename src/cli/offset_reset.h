// The pure half of `gregor groups reset-offsets` (kafka-consumer-groups --reset-offsets):
// parsing --topic T[:p,...] and --to-datetime values, the group-state rule, and the new offset
// of each partition for every reset mode, clamped to [earliest, latest] as Kafka's tool does.
// No I/O. Thread-safety: free functions (parse_reset_datetime reads the local time zone).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cli/group_admin.h"
#include "cli/topic_partition.h"

namespace gregor::cli {

enum class ResetMode {
  kEarliest,    // --to-earliest
  kLatest,      // --to-latest
  kCurrent,     // --to-current: the committed offset (latest if none)
  kToOffset,    // --to-offset N
  kShiftBy,     // --shift-by N: committed + N
  kToDatetime,  // --to-datetime: the first offset at or after a time (latest if none)
};

struct ResetSpec {
  ResetMode mode = ResetMode::kEarliest;
  int64_t value = 0;  // The offset, the shift, or the time in ms since the epoch.
};

// What is known of one partition when its new offset is computed.
struct PartitionPosition {
  Watermarks watermarks;
  std::optional<int64_t> committed;        // The group's committed offset, if any.
  std::optional<int64_t> offset_for_time;  // kToDatetime only: the lookup's answer, -1 for none.
};

struct ResetOutcome {
  int64_t offset = 0;
  std::string warning;  // Set when the requested offset was clamped into range.
};

// The new offset of tp. Fails for kShiftBy when tp has no committed offset.
Result<ResetOutcome> compute_reset_offset(const TopicPartitionKey& tp, const ResetSpec& spec,
                                          const PartitionPosition& position);

// kafka-consumer-groups' datetime: YYYY-MM-DDTHH:mm:SS.sss (seconds and milliseconds may be
// left out), optionally followed by Z or a +HH:MM / -HH:MM offset; without a zone, local time.
// Returns milliseconds since the epoch.
Result<int64_t> parse_reset_datetime(std::string_view text);

struct TopicSelection {
  std::string topic;
  std::vector<int32_t> partitions;  // Empty: every partition of the topic.
};

// "orders" or "orders:0,2,5".
Result<TopicSelection> parse_topic_selection(std::string_view text);

// Offsets may only be reset while no consumer is in the group: state Empty or Dead.
bool group_is_inactive(const std::string& state);

// Kafka's refusal: "Assignments can only be reset if the group 'g' is inactive, but the
// current state is Stable."
std::string inactive_group_required(const std::string& group, const std::string& state);

}  // namespace gregor::cli
