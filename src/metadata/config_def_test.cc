#include "metadata/broker_config.h"

#include <gtest/gtest.h>

namespace gregor::metadata {
namespace {

TEST(ConfigDef, UnknownBrokerKeyIsAnErrorNamingTheKey) {
  auto cfg = BrokerConfig::create({{"no.such.key", "1"}});
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.error().message.find("no.such.key"), std::string::npos);
}

TEST(ConfigDef, BadValueIsAnErrorNamingKeyAndValue) {
  auto cfg = BrokerConfig::create({{"num.partitions", "many"}});
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.error().message.find("num.partitions"), std::string::npos);
  EXPECT_NE(cfg.error().message.find("many"), std::string::npos);
  EXPECT_FALSE(BrokerConfig::create({{"num.partitions", "0"}}).ok());
  EXPECT_FALSE(BrokerConfig::create({{"auto.create.topics.enable", "yes"}}).ok());
}

TEST(ConfigDef, TopicKeysFallBackToBrokerSynonymsWithUnits) {
  auto cfg = BrokerConfig::create({{"log.retention.hours", "2"}, {"log.segment.bytes", "1048576"}});
  ASSERT_TRUE(cfg.ok());
  auto r = cfg->resolve_topic("retention.ms", {});
  EXPECT_EQ(r.value, "7200000");
  EXPECT_EQ(r.source, ConfigSource::kStaticBroker);
  EXPECT_EQ(cfg->resolve_topic("segment.bytes", {}).value, "1048576");
  auto o = cfg->resolve_topic("retention.ms", {{"retention.ms", "1000"}});
  EXPECT_EQ(o.value, "1000");
  EXPECT_EQ(o.source, ConfigSource::kTopic);
  EXPECT_EQ(cfg->resolve_topic("cleanup.policy", {}).source, ConfigSource::kDefault);
}

TEST(ConfigDef, ListValuesAreCheckedAgainstAllowedItems) {
  EXPECT_TRUE(BrokerConfig::create({{"process.roles", "broker,controller"}}).ok());
  EXPECT_FALSE(BrokerConfig::create({{"process.roles", "broker,leader"}}).ok());
}

}  // namespace
}  // namespace gregor::metadata
