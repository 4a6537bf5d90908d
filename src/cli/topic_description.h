// Text output of `gregor topics describe` and `gregor topics list`, in kafka-topics' layout:
//   Topic: t<TAB>PartitionCount: 2<TAB>ReplicationFactor: 1<TAB>Configs: a=1,b=2
//   <TAB>Topic: t<TAB>Partition: 0<TAB>Leader: 1<TAB>Replicas: 1<TAB>Isr: 1
// or with --output json an array of topic objects. Pure formatting, no I/O; the replication
// factor shown is the first partition's replica count.
#pragma once

#include <string>
#include <vector>

#include "cli/topics_admin.h"

namespace gregor::cli {

// The header line and one line per partition, each ending in '\n'.
std::string format_topic_description(const TopicInfo& topic);

// One topic name per line, in the order given.
std::string format_topic_list(const std::vector<TopicInfo>& topics);

// [{"name":"t","partitions":[{"partition":0,"leader":1|null,"replicas":[1],"isr":[1]}],
//   "configs":{"k":"v"}}], plus '\n'.
std::string topic_descriptions_json(const std::vector<TopicInfo>& topics);

// ["a","b"], plus '\n'.
std::string topic_list_json(const std::vector<TopicInfo>& topics);

}  // namespace gregor::cli
