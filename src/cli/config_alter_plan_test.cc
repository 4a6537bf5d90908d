#include "cli/config_alter_plan.h"

#include <gtest/gtest.h>

namespace gregor::cli {
namespace {

ConfigEntryInfo entry(std::string name, std::optional<std::string> value, std::string source, bool sensitive = false) {
  ConfigEntryInfo e;
  e.name = std::move(name);
  e.value = std::move(value);
  e.source = std::move(source);
  e.sensitive = sensitive;
  return e;
}

const std::string kTopicSource = "DYNAMIC_TOPIC_CONFIG";

std::vector<ConfigEntryInfo> current_topic() {
  return {entry("cleanup.policy", "compact", kTopicSource), entry("retention.ms", "1000", kTopicSource),
          entry("segment.bytes", "1073741824", "DEFAULT_CONFIG"),
          entry("min.insync.replicas", "2", "STATIC_BROKER_CONFIG")};
}

TEST(ParseAddConfig, SplitsAtCommasOutsideBrackets) {
  auto kvs = parse_add_config("a=1,b=[x,y,z],c=v=w");
  ASSERT_TRUE(kvs) << kvs.error().message;
  EXPECT_EQ(kvs.value(), (std::vector<KeyValue>{{"a", "1"}, {"b", "x,y,z"}, {"c", "v=w"}}));
  kvs = parse_add_config("single=value,");
  ASSERT_TRUE(kvs);
  EXPECT_EQ(kvs.value(), (std::vector<KeyValue>{{"single", "value"}}));
}

TEST(ParseAddConfig, RejectsMalformedLists) {
  EXPECT_FALSE(parse_add_config("a=[1,2"));
  EXPECT_FALSE(parse_add_config("a=1]"));
  EXPECT_FALSE(parse_add_config("novalue"));
  EXPECT_FALSE(parse_add_config("=v"));
  EXPECT_FALSE(parse_add_config(""));
}

TEST(ParseDeleteConfig, SplitsKeys) {
  auto keys = parse_delete_config("a,b,,c");
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys.value(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_FALSE(parse_delete_config(","));
}

TEST(PlanFullConfig, KeepsOtherDynamicValuesAndAppliesChanges) {
  auto full = plan_full_config(current_topic(), kTopicSource, {{{"retention.ms", "5000"}, {"flush.ms", "10"}}, {}});
  ASSERT_TRUE(full) << full.error().message;
  EXPECT_EQ(full.value(),
            (std::vector<KeyValue>{{"cleanup.policy", "compact"}, {"flush.ms", "10"}, {"retention.ms", "5000"}}));
}

TEST(PlanFullConfig, DeleteRemovesOnlyThatKey) {
  auto full = plan_full_config(current_topic(), kTopicSource, {{}, {"cleanup.policy"}});
  ASSERT_TRUE(full);
  EXPECT_EQ(full.value(), (std::vector<KeyValue>{{"retention.ms", "1000"}}));
  full = plan_full_config(current_topic(), kTopicSource, {{}, {"cleanup.policy", "retention.ms"}});
  ASSERT_TRUE(full);
  EXPECT_TRUE(full->empty());
}

TEST(PlanFullConfig, DeletingAKeyThatIsNotSetDynamicallyIsInvalid) {
  auto full = plan_full_config(current_topic(), kTopicSource, {{}, {"segment.bytes", "nope"}});
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().message, "Invalid config(s): nope,segment.bytes");
}

TEST(PlanFullConfig, RejectsConflictingChanges) {
  auto full = plan_full_config(current_topic(), kTopicSource, {{{"retention.ms", "1"}}, {"retention.ms"}});
  ASSERT_FALSE(full);
  EXPECT_NE(full.error().message.find("both added and deleted: retention.ms"), std::string::npos);
  full = plan_full_config(current_topic(), kTopicSource, {{{"a", "1"}, {"a", "2"}}, {}});
  ASSERT_FALSE(full);
  EXPECT_NE(full.error().message.find("more than once: a"), std::string::npos);
}

TEST(PlanFullConfig, HiddenSensitiveValuesMustBeRestatedOrDeleted) {
  std::vector<ConfigEntryInfo> broker = {entry("log.cleaner.threads", "2", "DYNAMIC_BROKER_CONFIG"),
                                         entry("ssl.key.password", std::nullopt, "DYNAMIC_BROKER_CONFIG", true)};
  auto full = plan_full_config(broker, "DYNAMIC_BROKER_CONFIG", {{{"log.cleaner.threads", "3"}}, {}});
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().message,
            "All sensitive config entries must be specified for --alter, missing entries: ssl.key.password");
  full = plan_full_config(broker, "DYNAMIC_BROKER_CONFIG", {{{"ssl.key.password", "s3cret"}}, {}});
  ASSERT_TRUE(full);
  EXPECT_EQ(full.value(), (std::vector<KeyValue>{{"log.cleaner.threads", "2"}, {"ssl.key.password", "s3cret"}}));
  full = plan_full_config(broker, "DYNAMIC_BROKER_CONFIG", {{}, {"ssl.key.password"}});
  ASSERT_TRUE(full);
  EXPECT_EQ(full.value(), (std::vector<KeyValue>{{"log.cleaner.threads", "2"}}));
}

}  // namespace
}  // namespace gregor::cli
