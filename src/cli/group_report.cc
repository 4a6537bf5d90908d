#include "cli/group_report.h"

#include "cli/json_output.h"
#include "cli/table.h"

namespace gregor::cli {
namespace {

template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json or_null(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

std::string format_assignment(const std::vector<TopicPartitionKey>& assignment) {
  std::string out;
  for (size_t i = 0; i < assignment.size(); ++i) {
    const bool new_topic = i == 0 || assignment[i].topic != assignment[i - 1].topic;
    if (new_topic) {
      if (i > 0) out += "),";
      out += assignment[i].topic + "(";
    } else {
      out += ',';
    }
    out += std::to_string(assignment[i].partition);
  }
  if (!out.empty()) out += ')';
  return out;
}

}  // namespace

std::vector<GroupOffsetRow> build_offset_rows(const GroupDescription& group, const OffsetMap& committed,
                                              const std::map<TopicPartitionKey, PartitionFacts>& facts) {
  std::map<TopicPartitionKey, GroupOffsetRow> rows;
  auto row_for = [&](const TopicPartitionKey& tp) -> GroupOffsetRow& {
    GroupOffsetRow& r = rows[tp];
    r.group = group.group;
    r.topic = tp.topic;
    r.partition = tp.partition;
    return r;
  };
  for (const auto& [tp, offset] : committed) row_for(tp).current_offset = offset;
  for (const GroupMember& m : group.members) {
    for (const TopicPartitionKey& tp : m.assignment) {
      GroupOffsetRow& r = row_for(tp);
      r.consumer_id = m.consumer_id;
      r.host = m.host;
      r.client_id = m.client_id;
    }
  }
  std::vector<GroupOffsetRow> out;
  for (auto& [tp, r] : rows) {
    if (auto it = facts.find(tp); it != facts.end()) {
      r.log_end_offset = it->second.log_end_offset;
      r.leader = it->second.leader;
    }
    if (r.current_offset && r.log_end_offset) r.lag = *r.log_end_offset - *r.current_offset;
    out.push_back(std::move(r));
  }
  return out;
}

std::string format_group_state(const GroupDescription& group) {
  Table t({"GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS"});
  std::string coordinator = "-";
  if (group.coordinator_id >= 0) {
    coordinator = group.coordinator_host + ":" + std::to_string(group.coordinator_port) + " (" +
                  std::to_string(group.coordinator_id) + ")";
  }
  t.add_row({group.group, coordinator, cell(group.assignor), group.state, std::to_string(group.members.size())});
  return t.format();
}

std::string format_offset_rows(const std::vector<GroupOffsetRow>& rows) {
  Table t({"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID",
           "LEADER"});
  for (const GroupOffsetRow& r : rows) {
    t.add_row({r.group, r.topic, std::to_string(r.partition), cell(r.current_offset), cell(r.log_end_offset),
               cell(r.lag), cell(r.consumer_id), cell(r.host), cell(r.client_id),
               r.leader ? std::to_string(*r.leader) : "-"});
  }
  return t.format();
}

std::string format_members(const GroupDescription& group) {
  Table t({"GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT"});
  for (const GroupMember& m : group.members) {
    t.add_row({group.group, cell(m.consumer_id), cell(m.host), cell(m.client_id), std::to_string(m.assignment.size()),
               cell(format_assignment(m.assignment))});
  }
  return t.format();
}

std::string group_reports_json(const std::vector<GroupReport>& reports) {
  nlohmann::json out = nlohmann::json::array();
  for (const GroupReport& r : reports) {
    const GroupDescription& g = r.group;
    nlohmann::json members = nlohmann::json::array();
    for (const GroupMember& m : g.members) {
      nlohmann::json assignment = nlohmann::json::array();
      for (const auto& tp : m.assignment) assignment.push_back({{"topic", tp.topic}, {"partition", tp.partition}});
      members.push_back({{"consumer_id", m.consumer_id},
                         {"group_instance_id", or_null(m.group_instance_id)},
                         {"client_id", m.client_id},
                         {"host", m.host},
                         {"assignment", std::move(assignment)}});
    }
    nlohmann::json offsets = nlohmann::json::array();
    for (const GroupOffsetRow& row : r.rows) {
      offsets.push_back({{"topic", row.topic},
                         {"partition", row.partition},
                         {"current_offset", or_null(row.current_offset)},
                         {"log_end_offset", or_null(row.log_end_offset)},
                         {"lag", or_null(row.lag)},
                         {"consumer_id", or_null(row.consumer_id)},
                         {"host", or_null(row.host)},
                         {"client_id", or_null(row.client_id)},
                         {"leader", or_null(row.leader)}});
    }
    nlohmann::json coordinator = nullptr;
    if (g.coordinator_id >= 0) {
      coordinator = {{"id", g.coordinator_id}, {"host", g.coordinator_host}, {"port", g.coordinator_port}};
    }
    out.push_back({{"group", g.group},
                   {"state", g.state},
                   {"assignment_strategy", or_null(g.assignor)},
                   {"simple", g.simple},
                   {"coordinator", std::move(coordinator)},
                   {"members", std::move(members)},
                   {"offsets", std::move(offsets)}});
  }
  return dump_json(out);
}

std::string format_group_list(const std::vector<GroupListing>& groups, bool with_state) {
  if (!with_state) {
    std::string out;
    for (const GroupListing& g : groups) out += g.group + "\n";
    return out;
  }
  Table t({"GROUP", "STATE"});
  for (const GroupListing& g : groups) t.add_row({g.group, g.state});
  return t.format();
}

std::string group_list_json(const std::vector<GroupListing>& groups) {
  nlohmann::json out = nlohmann::json::array();
  for (const GroupListing& g : groups) out.push_back({{"group", g.group}, {"state", g.state}, {"simple", g.simple}});
  return dump_json(out);
}

std::string format_reset_offsets(const std::string& group, const OffsetMap& offsets) {
  Table t({"GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"});
  for (const auto& [tp, offset] : offsets)
    t.add_row({group, tp.topic, std::to_string(tp.partition), std::to_string(offset)});
  return t.format();
}

std::string reset_offsets_json(const std::string& group, const OffsetMap& offsets) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [tp, offset] : offsets) {
    out.push_back({{"group", group}, {"topic", tp.topic}, {"partition", tp.partition}, {"new_offset", offset}});
  }
  return dump_json(out);
}

std::string delete_results_json(const std::vector<GroupDeleteResult>& results) {
  nlohmann::json out = nlohmann::json::array();
  for (const GroupDeleteResult& r : results) {
    out.push_back(
        {{"group", r.group}, {"error", r.status ? nlohmann::json(nullptr) : nlohmann::json(r.status.error().message)}});
  }
  return dump_json(out);
}

}  // namespace gregor::cli
