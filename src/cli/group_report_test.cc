#include "cli/group_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gregor::cli {
namespace {

GroupDescription stable_group() {
  GroupDescription g;
  g.group = "billing";
  g.state = "Stable";
  g.assignor = "range";
  g.coordinator_id = 1;
  g.coordinator_host = "127.0.0.1";
  g.coordinator_port = 9092;
  GroupMember m;
  m.consumer_id = "rdkafka-abc";
  m.client_id = "rdkafka";
  m.host = "/127.0.0.1";
  m.assignment = {{"orders", 0}, {"orders", 1}, {"refunds", 0}};
  g.members = {m};
  return g;
}

TEST(BuildOffsetRows, LagIsLogEndMinusCommitted) {
  const OffsetMap committed = {{{"orders", 0}, 40}, {{"orders", 1}, 7}};
  const std::map<TopicPartitionKey, PartitionFacts> facts = {
      {{"orders", 0}, {100, 1}}, {{"orders", 1}, {7, 2}}, {{"refunds", 0}, {3, 1}}};
  auto rows = build_offset_rows(stable_group(), committed, facts);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].topic, "orders");
  EXPECT_EQ(rows[0].partition, 0);
  EXPECT_EQ(rows[0].lag, 60);
  EXPECT_EQ(rows[0].leader, 1);
  EXPECT_EQ(rows[0].consumer_id, "rdkafka-abc");
  EXPECT_EQ(rows[1].lag, 0);
  EXPECT_EQ(rows[1].leader, 2);
  // Assigned but never committed: no current offset, so no lag.
  EXPECT_EQ(rows[2].topic, "refunds");
  EXPECT_FALSE(rows[2].current_offset);
  EXPECT_EQ(rows[2].log_end_offset, 3);
  EXPECT_FALSE(rows[2].lag);
}

TEST(BuildOffsetRows, CommittedOffsetsOfAnEmptyGroupAndUnknownPartitions) {
  GroupDescription g;
  g.group = "old";
  g.state = "Empty";
  const OffsetMap committed = {{{"gone", 0}, 5}, {{"t", 2}, 1}};
  auto rows = build_offset_rows(g, committed, {{{"t", 2}, {4, std::nullopt}}});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].topic, "gone");
  EXPECT_FALSE(rows[0].log_end_offset);  // The topic no longer exists.
  EXPECT_FALSE(rows[0].lag);
  EXPECT_EQ(rows[1].lag, 3);
  EXPECT_TRUE(rows[1].consumer_id.empty());
  EXPECT_EQ(format_offset_rows(rows),
            "GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID LEADER\n"
            "old   gone  0         5              -              -   -           -    -         -\n"
            "old   t     2         1              4              3   -           -    -         -\n");
}

TEST(GroupReportText, StateAndMembersTables) {
  EXPECT_EQ(format_group_state(stable_group()),
            "GROUP   COORDINATOR (ID)   ASSIGNMENT-STRATEGY STATE  #MEMBERS\n"
            "billing 127.0.0.1:9092 (1) range               Stable 1\n");
  EXPECT_EQ(format_members(stable_group()),
            "GROUP   CONSUMER-ID HOST       CLIENT-ID #PARTITIONS ASSIGNMENT\n"
            "billing rdkafka-abc /127.0.0.1 rdkafka   3           orders(0,1),refunds(0)\n");
}

TEST(GroupReportJson, NullForUnknownValues) {
  GroupReport r{stable_group(), build_offset_rows(stable_group(), {{{"orders", 0}, 1}}, {})};
  auto j = nlohmann::json::parse(group_reports_json({r}));
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["group"], "billing");
  EXPECT_EQ(j[0]["coordinator"]["id"], 1);
  EXPECT_EQ(j[0]["members"][0]["assignment"].size(), 3u);
  EXPECT_TRUE(j[0]["members"][0]["group_instance_id"].is_null());
  EXPECT_EQ(j[0]["offsets"][0]["current_offset"], 1);
  EXPECT_TRUE(j[0]["offsets"][0]["lag"].is_null());
  EXPECT_TRUE(j[0]["offsets"][1]["current_offset"].is_null());
}

TEST(GroupListOutput, NamesOrStateTableOrJson) {
  std::vector<GroupListing> groups = {{"a", "Stable", false}, {"bb", "Empty", true}};
  EXPECT_EQ(format_group_list(groups, false), "a\nbb\n");
  EXPECT_EQ(format_group_list(groups, true), "GROUP STATE\na     Stable\nbb    Empty\n");
  auto j = nlohmann::json::parse(group_list_json(groups));
  EXPECT_EQ(j[1]["state"], "Empty");
  EXPECT_TRUE(j[1]["simple"].get<bool>());
}

TEST(ResetOutput, TableAndJson) {
  const OffsetMap offsets = {{{"t", 0}, 5}, {{"t", 1}, 0}};
  EXPECT_EQ(format_reset_offsets("g", offsets),
            "GROUP TOPIC PARTITION NEW-OFFSET\n"
            "g     t     0         5\n"
            "g     t     1         0\n");
  auto j = nlohmann::json::parse(reset_offsets_json("g", offsets));
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["new_offset"], 5);
  EXPECT_EQ(j[1]["partition"], 1);
}

TEST(DeleteOutput, JsonErrorPerGroup) {
  std::vector<GroupDeleteResult> results = {{"a", Status::OK()}, {"b", make_error(68, "NON_EMPTY_GROUP: busy")}};
  auto j = nlohmann::json::parse(delete_results_json(results));
  EXPECT_TRUE(j[0]["error"].is_null());
  EXPECT_EQ(j[1]["error"], "NON_EMPTY_GROUP: busy");
}

}  // namespace
}  // namespace gregor::cli
