// Output of the `gregor groups` commands in kafka-consumer-groups' layouts (tables, see
// table.h) or, with --output json, one JSON document. The describe rows are built here from
// what the group admin calls returned, so the LAG arithmetic is testable without a broker.
// Pure formatting, no I/O.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/group_admin.h"
#include "cli/topic_partition.h"

namespace gregor::cli {

// One line of `groups describe`: GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG
// CONSUMER-ID HOST CLIENT-ID LEADER. Unknown values print as "-".
struct GroupOffsetRow {
  std::string group;
  std::string topic;
  int32_t partition = 0;
  std::optional<int64_t> current_offset;
  std::optional<int64_t> log_end_offset;
  std::optional<int64_t> lag;  // log_end_offset - current_offset, when both are known.
  std::string consumer_id;     // Empty: not assigned to a member.
  std::string host;
  std::string client_id;
  std::optional<int32_t> leader;  // Node id of the partition's leader.
};

// What is known of a partition outside the group: its log end offset and leader.
struct PartitionFacts {
  std::optional<int64_t> log_end_offset;
  std::optional<int32_t> leader;
};

// A row for every partition that has a committed offset or is assigned to a member, sorted
// by topic then partition.
std::vector<GroupOffsetRow> build_offset_rows(const GroupDescription& group, const OffsetMap& committed,
                                              const std::map<TopicPartitionKey, PartitionFacts>& facts);

// GROUP COORDINATOR (ID) ASSIGNMENT-STRATEGY STATE #MEMBERS, one row.
std::string format_group_state(const GroupDescription& group);
std::string format_offset_rows(const std::vector<GroupOffsetRow>& rows);
// GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS ASSIGNMENT, assignment as "t(0,1),u(2)".
std::string format_members(const GroupDescription& group);

struct GroupReport {
  GroupDescription group;
  std::vector<GroupOffsetRow> rows;
};
// [{"group","state","assignment_strategy","simple","coordinator":{"id","host","port"},
//   "members":[{"consumer_id","group_instance_id","client_id","host","assignment":[{"topic","partition"}]}],
//   "offsets":[{"topic","partition","current_offset","log_end_offset","lag","consumer_id","host",
//   "client_id","leader"}]}]; unknown values are null.
std::string group_reports_json(const std::vector<GroupReport>& reports);

// `groups list`: one name per line, or with states a GROUP STATE table.
std::string format_group_list(const std::vector<GroupListing>& groups, bool with_state);
// [{"group","state","simple"}]
std::string group_list_json(const std::vector<GroupListing>& groups);

// `groups reset-offsets`: GROUP TOPIC PARTITION NEW-OFFSET.
std::string format_reset_offsets(const std::string& group, const OffsetMap& offsets);
// [{"group","topic","partition","new_offset"}]
std::string reset_offsets_json(const std::string& group, const OffsetMap& offsets);

// `groups delete`: [{"group","error":null|"message"}]
std::string delete_results_json(const std::vector<GroupDeleteResult>& results);

}  // namespace gregor::cli
