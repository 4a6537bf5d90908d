#include "cli/group_admin.h"

#include <algorithm>
#include <memory>

#include "cli/admin_request.h"
#include "cli/kafka_client.h"

namespace gregor::cli {
namespace {

struct DeleteGroupDeleter {
  void operator()(rd_kafka_DeleteGroup_t* g) const { rd_kafka_DeleteGroup_destroy(g); }
};
struct ListOffsetsDeleter {
  void operator()(rd_kafka_ListConsumerGroupOffsets_t* o) const { rd_kafka_ListConsumerGroupOffsets_destroy(o); }
};
struct AlterOffsetsDeleter {
  void operator()(rd_kafka_AlterConsumerGroupOffsets_t* o) const { rd_kafka_AlterConsumerGroupOffsets_destroy(o); }
};

std::string state_name(rd_kafka_consumer_group_state_t state) {
  const char* name = rd_kafka_consumer_group_state_name(state);
  return name ? name : "Unknown";
}

std::string text_or_empty(const char* s) { return s ? s : ""; }

std::string partition_name(const TopicPartitionKey& tp) { return tp.topic + "-" + std::to_string(tp.partition); }

PartitionListHandle to_partition_list(const OffsetMap& offsets) {
  PartitionListHandle list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& [tp, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  }
  return list;
}

// The single group result of a ListConsumerGroupOffsets or AlterConsumerGroupOffsets request:
// its offsets, or the group's error, or the first partition's error.
Result<OffsetMap> group_offsets_result(const rd_kafka_group_result_t** results, size_t count, const std::string& what) {
  if (count != 1) return make_error(-1, what + ": expected 1 group result, got " + std::to_string(count));
  if (const rd_kafka_error_t* err = rd_kafka_group_result_error(results[0]); err != nullptr) {
    return kafka_error(what, err);
  }
  OffsetMap out;
  const rd_kafka_topic_partition_list_t* parts = rd_kafka_group_result_partitions(results[0]);
  for (int i = 0; parts != nullptr && i < parts->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = parts->elems[i];
    const TopicPartitionKey tp{p.topic, p.partition};
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) return kafka_error(what + ": partition " + partition_name(tp), p.err);
    if (p.offset >= 0) out[tp] = p.offset;
  }
  return out;
}

}  // namespace

Result<GroupList> list_groups(rd_kafka_t* rk, int timeout_ms) {
  const std::string what = "cannot list groups";
  auto options = admin_options(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, timeout_ms);
  if (!options) return options.error();
  QueueHandle q(rd_kafka_queue_new(rk));
  rd_kafka_ListConsumerGroups(rk, options->get(), q.get());
  auto ev = await_admin_result(q.get(), timeout_ms, what);
  if (!ev) return ev.error();
  const rd_kafka_ListConsumerGroups_result_t* res = rd_kafka_event_ListConsumerGroups_result(ev->get());
  if (res == nullptr) return make_error(-1, what + ": unexpected admin result");
  GroupList out;
  size_t count = 0;
  const rd_kafka_ConsumerGroupListing_t** valid = rd_kafka_ListConsumerGroups_result_valid(res, &count);
  for (size_t i = 0; i < count; ++i) {
    out.groups.push_back({rd_kafka_ConsumerGroupListing_group_id(valid[i]),
                          state_name(rd_kafka_ConsumerGroupListing_state(valid[i])),
                          rd_kafka_ConsumerGroupListing_is_simple_consumer_group(valid[i]) != 0});
  }
  std::sort(out.groups.begin(), out.groups.end(), [](const auto& a, const auto& b) { return a.group < b.group; });
  size_t error_count = 0;
  const rd_kafka_error_t** errors = rd_kafka_ListConsumerGroups_result_errors(res, &error_count);
  for (size_t i = 0; i < error_count; ++i) out.errors.push_back(kafka_error(what, errors[i]).message);
  return out;
}

Result<GroupDescription> describe_group(rd_kafka_t* rk, const std::string& group, int timeout_ms) {
  const std::string what = "cannot describe group '" + group + "'";
  auto options = admin_options(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, timeout_ms);
  if (!options) return options.error();
  QueueHandle q(rd_kafka_queue_new(rk));
  const char* groups[] = {group.c_str()};
  rd_kafka_DescribeConsumerGroups(rk, groups, 1, options->get(), q.get());
  auto ev = await_admin_result(q.get(), timeout_ms, what);
  if (!ev) return ev.error();
  const rd_kafka_DescribeConsumerGroups_result_t* res = rd_kafka_event_DescribeConsumerGroups_result(ev->get());
  if (res == nullptr) return make_error(-1, what + ": unexpected admin result");
  size_t count = 0;
  const rd_kafka_ConsumerGroupDescription_t** descs = rd_kafka_DescribeConsumerGroups_result_groups(res, &count);
  if (count != 1) return make_error(-1, what + ": expected 1 group result, got " + std::to_string(count));
  const rd_kafka_ConsumerGroupDescription_t* d = descs[0];
  if (const rd_kafka_error_t* err = rd_kafka_ConsumerGroupDescription_error(d); err != nullptr) {
    return kafka_error(what, err);
  }
  GroupDescription out;
  out.group = text_or_empty(rd_kafka_ConsumerGroupDescription_group_id(d));
  out.state = state_name(rd_kafka_ConsumerGroupDescription_state(d));
  out.assignor = text_or_empty(rd_kafka_ConsumerGroupDescription_partition_assignor(d));
  out.simple = rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(d) != 0;
  if (const rd_kafka_Node_t* node = rd_kafka_ConsumerGroupDescription_coordinator(d); node != nullptr) {
    out.coordinator_id = rd_kafka_Node_id(node);
    out.coordinator_host = text_or_empty(rd_kafka_Node_host(node));
    out.coordinator_port = rd_kafka_Node_port(node);
  }
  const size_t members = rd_kafka_ConsumerGroupDescription_member_count(d);
  for (size_t i = 0; i < members; ++i) {
    const rd_kafka_MemberDescription_t* m = rd_kafka_ConsumerGroupDescription_member(d, i);
    GroupMember member;
    member.consumer_id = text_or_empty(rd_kafka_MemberDescription_consumer_id(m));
    member.group_instance_id = text_or_empty(rd_kafka_MemberDescription_group_instance_id(m));
    member.client_id = text_or_empty(rd_kafka_MemberDescription_client_id(m));
    member.host = text_or_empty(rd_kafka_MemberDescription_host(m));
    const rd_kafka_MemberAssignment_t* a = rd_kafka_MemberDescription_assignment(m);
    const rd_kafka_topic_partition_list_t* parts = a ? rd_kafka_MemberAssignment_partitions(a) : nullptr;
    for (int p = 0; parts != nullptr && p < parts->cnt; ++p) {
      member.assignment.push_back({parts->elems[p].topic, parts->elems[p].partition});
    }
    std::sort(member.assignment.begin(), member.assignment.end());
    out.members.push_back(std::move(member));
  }
  std::sort(out.members.begin(), out.members.end(),
            [](const GroupMember& a, const GroupMember& b) { return a.consumer_id < b.consumer_id; });
  return out;
}

Result<OffsetMap> committed_offsets(rd_kafka_t* rk, const std::string& group, int timeout_ms) {
  const std::string what = "cannot fetch the committed offsets of group '" + group + "'";
  auto options = admin_options(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeout_ms);
  if (!options) return options.error();
  std::unique_ptr<rd_kafka_ListConsumerGroupOffsets_t, ListOffsetsDeleter> request(
      rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr));  // nullptr: every partition.
  QueueHandle q(rd_kafka_queue_new(rk));
  rd_kafka_ListConsumerGroupOffsets_t* requests[] = {request.get()};
  rd_kafka_ListConsumerGroupOffsets(rk, requests, 1, options->get(), q.get());
  auto ev = await_admin_result(q.get(), timeout_ms, what);
  if (!ev) return ev.error();
  const rd_kafka_ListConsumerGroupOffsets_result_t* res = rd_kafka_event_ListConsumerGroupOffsets_result(ev->get());
  if (res == nullptr) return make_error(-1, what + ": unexpected admin result");
  size_t count = 0;
  const rd_kafka_group_result_t** results = rd_kafka_ListConsumerGroupOffsets_result_groups(res, &count);
  return group_offsets_result(results, count, what);
}

Result<Watermarks> query_watermarks(rd_kafka_t* rk, const TopicPartitionKey& tp, int timeout_ms) {
  Watermarks w;
  rd_kafka_resp_err_t err =
      rd_kafka_query_watermark_offsets(rk, tp.topic.c_str(), tp.partition, &w.low, &w.high, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return kafka_error("cannot query offsets of " + partition_name(tp), err);
  return w;
}

Result<OffsetMap> offsets_for_time(rd_kafka_t* rk, const std::vector<TopicPartitionKey>& partitions,
                                   int64_t timestamp_ms, int timeout_ms) {
  OffsetMap query;
  for (const auto& tp : partitions) query[tp] = timestamp_ms;
  OffsetMap out;
  if (query.empty()) return out;
  PartitionListHandle list = to_partition_list(query);
  if (auto err = rd_kafka_offsets_for_times(rk, list.get(), timeout_ms); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return kafka_error("cannot look up offsets by time", err);
  }
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = list->elems[i];
    const TopicPartitionKey tp{p.topic, p.partition};
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return kafka_error("cannot look up offsets by time for " + partition_name(tp), p.err);
    }
    out[tp] = p.offset < 0 ? -1 : p.offset;
  }
  return out;
}

Status alter_group_offsets(rd_kafka_t* rk, const std::string& group, const OffsetMap& offsets, int timeout_ms) {
  const std::string what = "cannot commit offsets for group '" + group + "'";
  if (offsets.empty()) return Status::OK();
  auto options = admin_options(rk, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, timeout_ms);
  if (!options) return options.error();
  PartitionListHandle list = to_partition_list(offsets);
  std::unique_ptr<rd_kafka_AlterConsumerGroupOffsets_t, AlterOffsetsDeleter> request(
      rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list.get()));
  QueueHandle q(rd_kafka_queue_new(rk));
  rd_kafka_AlterConsumerGroupOffsets_t* requests[] = {request.get()};
  rd_kafka_AlterConsumerGroupOffsets(rk, requests, 1, options->get(), q.get());
  auto ev = await_admin_result(q.get(), timeout_ms, what);
  if (!ev) return ev.error();
  const rd_kafka_AlterConsumerGroupOffsets_result_t* res = rd_kafka_event_AlterConsumerGroupOffsets_result(ev->get());
  if (res == nullptr) return make_error(-1, what + ": unexpected admin result");
  size_t count = 0;
  const rd_kafka_group_result_t** results = rd_kafka_AlterConsumerGroupOffsets_result_groups(res, &count);
  auto done = group_offsets_result(results, count, what);
  if (!done) return done.error();
  return Status::OK();
}

Result<std::vector<GroupDeleteResult>> delete_groups(rd_kafka_t* rk, const std::vector<std::string>& groups,
                                                     int timeout_ms) {
  const std::string what = "cannot delete groups";
  std::vector<std::unique_ptr<rd_kafka_DeleteGroup_t, DeleteGroupDeleter>> owned;
  std::vector<rd_kafka_DeleteGroup_t*> requests;
  for (const std::string& g : groups) {
    owned.emplace_back(rd_kafka_DeleteGroup_new(g.c_str()));
    requests.push_back(owned.back().get());
  }
  std::vector<GroupDeleteResult> out;
  if (requests.empty()) return out;
  auto options = admin_options(rk, RD_KAFKA_ADMIN_OP_DELETEGROUPS, timeout_ms);
  if (!options) return options.error();
  QueueHandle q(rd_kafka_queue_new(rk));
  rd_kafka_DeleteGroups(rk, requests.data(), requests.size(), options->get(), q.get());
  auto ev = await_admin_result(q.get(), timeout_ms, what);
  if (!ev) return ev.error();
  const rd_kafka_DeleteGroups_result_t* res = rd_kafka_event_DeleteGroups_result(ev->get());
  if (res == nullptr) return make_error(-1, what + ": unexpected admin result");
  size_t count = 0;
  const rd_kafka_group_result_t** results = rd_kafka_DeleteGroups_result_groups(res, &count);
  for (const std::string& g : groups) {
    GroupDeleteResult r{g, make_error(-1, "no result for group '" + g + "'")};
    for (size_t i = 0; i < count; ++i) {
      if (g != text_or_empty(rd_kafka_group_result_name(results[i]))) continue;
      const rd_kafka_error_t* err = rd_kafka_group_result_error(results[i]);
      if (err == nullptr) {
        r.status = Status::OK();
      } else {
        const char* msg = rd_kafka_error_string(err);
        r.status = make_error(static_cast<int16_t>(rd_kafka_error_code(err)),
                              describe_kafka_error(rd_kafka_error_code(err), msg ? msg : ""));
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace gregor::cli
