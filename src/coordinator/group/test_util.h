// Test helpers for the group state machine: request builders and a fixture that owns a
// GroupManager and a fake clock (a plain int64_t advanced by the test).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "coordinator/group/consumer_protocol.h"
#include "coordinator/group/group_manager.h"

namespace gregor::group::testing {

inline Bytes subscription(std::vector<std::string> topics) {
  Subscription s;
  s.version = 0;
  s.topics = std::move(topics);
  return encode_subscription(s);
}

inline std::vector<Protocol> protocols(std::vector<std::string> names, std::vector<std::string> topics = {"t"}) {
  std::vector<Protocol> out;
  for (auto& n : names) out.push_back(Protocol{n, subscription(topics)});
  return out;
}

class GroupTest : public ::testing::Test {
 protected:
  static GroupConfig default_config() {
    GroupConfig c;
    c.initial_rebalance_delay_ms = 0;
    return c;
  }
  GroupConfig config = default_config();
  std::unique_ptr<GroupManager> gm = std::make_unique<GroupManager>(config, 42);
  int64_t now = 1000;
  uint64_t next_token = 1;
  int32_t session_timeout = 10000;  // used by join_req
  std::map<uint64_t, Completion> done;  // completions by token

  void reset(GroupConfig c) {
    config = c;
    gm = std::make_unique<GroupManager>(config, 42);
  }

  JoinRequest join_req(const std::string& member_id = "", std::optional<std::string> instance = std::nullopt,
                       std::vector<Protocol> protos = protocols({"range"})) {
    JoinRequest r;
    r.token = next_token++;
    r.member_id = member_id;
    r.group_instance_id = std::move(instance);
    r.client_id = "client";
    r.client_host = "/127.0.0.1";
    r.session_timeout_ms = session_timeout;
    r.rebalance_timeout_ms = 30000;
    r.protocol_type = "consumer";
    r.protocols = std::move(protos);
    r.require_known_member_id = true;
    return r;
  }

  void collect() {
    for (auto& c : gm->take_completions()) {
      ASSERT_EQ(done.count(c.token), 0u) << "token completed twice: " << c.token;
      done.emplace(c.token, std::move(c));
    }
  }
  void tick(int64_t advance_ms) {
    now += advance_ms;
    gm->tick(now);
    collect();
  }
  std::optional<JoinResponse> join(const JoinRequest& r, const std::string& group = "g") {
    auto resp = gm->join(group, r, now);
    collect();
    return resp;
  }
  std::optional<SyncResponse> sync(const SyncRequest& r, const std::string& group = "g") {
    auto resp = gm->sync(group, r, now);
    collect();
    return resp;
  }
  // The completed JoinResponse of a token. REQUIRES: it completed.
  JoinResponse join_result(uint64_t token) {
    EXPECT_EQ(done.count(token), 1u) << "join token not completed: " << token;
    if (!done.count(token)) return {};
    return std::get<JoinResponse>(done.at(token).response);
  }
  SyncResponse sync_result(uint64_t token) {
    EXPECT_EQ(done.count(token), 1u) << "sync token not completed: " << token;
    if (!done.count(token)) return {};
    return std::get<SyncResponse>(done.at(token).response);
  }
  // First join (MEMBER_ID_REQUIRED) then the real join; returns the member id and the token.
  std::pair<std::string, uint64_t> join_dynamic(const std::string& group = "g",
                                                std::vector<Protocol> protos = protocols({"range"})) {
    auto first = join(join_req("", std::nullopt, protos), group);
    EXPECT_TRUE(first.has_value());
    EXPECT_EQ(first->error, ErrorCode::MEMBER_ID_REQUIRED);
    auto r = join_req(first->member_id, std::nullopt, protos);
    auto second = join(r, group);
    EXPECT_FALSE(second.has_value());
    return {first->member_id, r.token};
  }
  SyncRequest sync_req(const std::string& member_id, int32_t generation,
                       std::map<std::string, Bytes> assignments = {}) {
    SyncRequest r;
    r.token = next_token++;
    r.member_id = member_id;
    r.generation_id = generation;
    r.assignments = std::move(assignments);
    return r;
  }
  HeartbeatRequest hb(const std::string& member_id, int32_t generation,
                      std::optional<std::string> instance = std::nullopt) {
    return HeartbeatRequest{member_id, std::move(instance), generation};
  }
  GroupState state(const std::string& group = "g") {
    const Group* g = gm->find(group);
    return g ? g->state() : GroupState::kDead;
  }
  const Group& group(const std::string& id = "g") { return *gm->find(id); }

  // Brings three dynamic members to Stable generation 1; returns their ids, leader first.
  std::vector<std::string> stable_group_of_three() {
    auto [a, ta] = join_dynamic();
    auto [b, tb] = join_dynamic();
    auto [c, tc] = join_dynamic();
    (void)ta;
    (void)tb;
    (void)tc;
    // With no initial delay a completed generation 1 alone; b's join started a rebalance that
    // waits for a to rejoin, which brings all three into generation 2.
    auto ra = join_req(a);
    join(ra);
    EXPECT_EQ(state(), GroupState::kCompletingRebalance);
    int32_t gen = group().generation_id();
    std::string leader = *group().leader_id();
    std::map<std::string, Bytes> assign{{a, Bytes{1}}, {b, Bytes{2}}, {c, Bytes{3}}};
    for (const auto& id : {a, b, c}) {
      if (id == leader) continue;
      EXPECT_FALSE(sync(sync_req(id, gen)).has_value());
    }
    EXPECT_FALSE(sync(sync_req(leader, gen, assign)).has_value());
    EXPECT_EQ(state(), GroupState::kStable);
    return {a, b, c};
  }
};

}  // namespace gregor::group::testing
