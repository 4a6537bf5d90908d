// Consumer-group requests behind `gregor groups`, on librdkafka 2.0.2's Admin API
// (ListConsumerGroups, DescribeConsumerGroups, ListConsumerGroupOffsets,
// AlterConsumerGroupOffsets, DeleteGroups) and its offset queries (watermarks via ListOffsets,
// offsets_for_times), since 2.0.2 has no ListOffsets admin call. Each call is bounded by its
// timeout; errors carry the Kafka error name in the message and the code as Error::code.
// Thread-safety: call from the command thread that owns rk.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>
#include <vector>

#include "base/result.h"
#include "cli/topic_partition.h"

namespace gregor::cli {

struct GroupListing {
  std::string group;
  std::string state;    // Kafka's names: Stable, Empty, Dead, PreparingRebalance, ... or Unknown.
  bool simple = false;  // No group protocol (offsets only, e.g. assign() consumers).
};

struct GroupList {
  std::vector<GroupListing> groups;  // Sorted by name.
  std::vector<std::string> errors;   // Brokers that could not be asked, as messages.
};

struct GroupMember {
  std::string consumer_id;
  std::string group_instance_id;  // Empty unless static membership.
  std::string client_id;
  std::string host;
  std::vector<TopicPartitionKey> assignment;  // Sorted.
};

struct GroupDescription {
  std::string group;
  std::string state;
  std::string assignor;
  bool simple = false;
  int32_t coordinator_id = -1;
  std::string coordinator_host;
  int coordinator_port = 0;
  std::vector<GroupMember> members;  // Sorted by consumer id.
};

struct Watermarks {
  int64_t low = 0;   // Earliest offset (log start).
  int64_t high = 0;  // Log end offset (high watermark).
};

struct GroupDeleteResult {
  std::string group;
  Status status;
};

// Every group of every broker; per-broker failures are listed, not fatal.
Result<GroupList> list_groups(rd_kafka_t* rk, int timeout_ms);

// The group's state, coordinator and members. A group that does not exist is Dead.
Result<GroupDescription> describe_group(rd_kafka_t* rk, const std::string& group, int timeout_ms);

// The group's committed offsets, for the partitions that have one.
Result<OffsetMap> committed_offsets(rd_kafka_t* rk, const std::string& group, int timeout_ms);

// Earliest and log end offsets of one partition (read_uncommitted when the client is set so).
Result<Watermarks> query_watermarks(rd_kafka_t* rk, const TopicPartitionKey& tp, int timeout_ms);

// For each partition, the earliest offset whose timestamp is >= timestamp_ms, or -1 if there
// is none (every record is older).
Result<OffsetMap> offsets_for_time(rd_kafka_t* rk, const std::vector<TopicPartitionKey>& partitions,
                                   int64_t timestamp_ms, int timeout_ms);

// Commits offsets for the group (which must have no active members); any partition's error
// fails the call, naming the partition.
Status alter_group_offsets(rd_kafka_t* rk, const std::string& group, const OffsetMap& offsets, int timeout_ms);

// Deletes the groups; the outer error is for the request as a whole, per-group ones are in
// the results (in the order given).
Result<std::vector<GroupDeleteResult>> delete_groups(rd_kafka_t* rk, const std::vector<std::string>& groups,
                                                     int timeout_ms);

}  // namespace gregor::cli
