#include "cli/config_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gregor::cli {
namespace {

std::vector<ConfigEntryInfo> sample() {
  ConfigEntryInfo retention;
  retention.name = "retention.ms";
  retention.value = "1000";
  retention.source = "DYNAMIC_TOPIC_CONFIG";
  retention.synonyms = {{"retention.ms", "1000", "DYNAMIC_TOPIC_CONFIG"},
                        {"log.retention.hours", "168", "DEFAULT_CONFIG"}};
  ConfigEntryInfo segment;
  segment.name = "segment.bytes";
  segment.value = "1073741824";
  segment.source = "DEFAULT_CONFIG";
  segment.is_default = true;
  ConfigEntryInfo secret;
  secret.name = "ssl.key.password";
  secret.source = "DYNAMIC_TOPIC_CONFIG";
  secret.sensitive = true;
  return {retention, segment, secret};
}

TEST(ConfigReport, DynamicOnlyUnlessAll) {
  EXPECT_EQ(select_shown_configs(sample(), ConfigEntityType::kTopic, false).size(), 2u);
  EXPECT_EQ(select_shown_configs(sample(), ConfigEntityType::kTopic, true).size(), 3u);
  EXPECT_TRUE(select_shown_configs(sample(), ConfigEntityType::kBroker, false).empty());
}

TEST(ConfigReport, KafkaConfigsTextLayout) {
  DescribedEntity d{{ConfigEntityType::kTopic, "orders"},
                    select_shown_configs(sample(), ConfigEntityType::kTopic, false)};
  EXPECT_EQ(format_config_description(d, false),
            "Dynamic configs for topic orders are:\n"
            "  retention.ms=1000 sensitive=false read-only=false source=DYNAMIC_TOPIC_CONFIG "
            "synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000, DEFAULT_CONFIG:log.retention.hours=168}\n"
            "  ssl.key.password=null sensitive=true read-only=false source=DYNAMIC_TOPIC_CONFIG synonyms={}\n");
  DescribedEntity b{{ConfigEntityType::kBroker, "1"}, {}};
  EXPECT_EQ(format_config_description(b, true), "All configs for broker 1 are:\n");
}

TEST(ConfigReport, JsonHasOneObjectPerEntityWithNullForHiddenValues) {
  DescribedEntity d{{ConfigEntityType::kTopic, "orders"}, sample()};
  auto j = nlohmann::json::parse(config_descriptions_json({d}));
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["entity_type"], "topics");
  EXPECT_EQ(j[0]["entity_name"], "orders");
  ASSERT_EQ(j[0]["configs"].size(), 3u);
  EXPECT_EQ(j[0]["configs"][0]["value"], "1000");
  EXPECT_EQ(j[0]["configs"][0]["synonyms"][1]["source"], "DEFAULT_CONFIG");
  EXPECT_TRUE(j[0]["configs"][1]["default"].get<bool>());
  EXPECT_TRUE(j[0]["configs"][2]["value"].is_null());
  EXPECT_TRUE(j[0]["configs"][2]["sensitive"].get<bool>());
}

}  // namespace
}  // namespace gregor::cli
