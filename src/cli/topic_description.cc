#include "cli/topic_description.h"

#include <sstream>

#include "cli/json_output.h"

namespace gregor::cli {
namespace {

std::string join_ids(const std::vector<int32_t>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  return out;
}

}  // namespace

std::string format_topic_description(const TopicInfo& topic) {
  std::ostringstream out;
  const size_t replication = topic.partitions.empty() ? 0 : topic.partitions.front().replicas.size();
  out << "Topic: " << topic.name << "\tPartitionCount: " << topic.partitions.size()
      << "\tReplicationFactor: " << replication << "\tConfigs: ";
  for (size_t i = 0; i < topic.configs.size(); ++i) {
    if (i > 0) out << ',';
    out << topic.configs[i].first << '=' << topic.configs[i].second;
  }
  out << '\n';
  for (const PartitionInfo& p : topic.partitions) {
    out << "\tTopic: " << topic.name << "\tPartition: " << p.id << "\tLeader: ";
    if (p.leader < 0) {
      out << "none";
    } else {
      out << p.leader;
    }
    out << "\tReplicas: " << join_ids(p.replicas) << "\tIsr: " << join_ids(p.isr) << '\n';
  }
  return out.str();
}

std::string format_topic_list(const std::vector<TopicInfo>& topics) {
  std::string out;
  for (const TopicInfo& t : topics) {
    out += t.name;
    out += '\n';
  }
  return out;
}

std::string topic_descriptions_json(const std::vector<TopicInfo>& topics) {
  nlohmann::json out = nlohmann::json::array();
  for (const TopicInfo& t : topics) {
    nlohmann::json partitions = nlohmann::json::array();
    for (const PartitionInfo& p : t.partitions) {
      partitions.push_back({{"partition", p.id},
                            {"leader", p.leader < 0 ? nlohmann::json(nullptr) : nlohmann::json(p.leader)},
                            {"replicas", p.replicas},
                            {"isr", p.isr}});
    }
    nlohmann::json configs = nlohmann::json::object();
    for (const auto& [key, value] : t.configs) configs[key] = value;
    out.push_back({{"name", t.name}, {"partitions", std::move(partitions)}, {"configs", std::move(configs)}});
  }
  return dump_json(out);
}

std::string topic_list_json(const std::vector<TopicInfo>& topics) {
  nlohmann::json out = nlohmann::json::array();
  for (const TopicInfo& t : topics) out.push_back(t.name);
  return dump_json(out);
}

}  // namespace gregor::cli
