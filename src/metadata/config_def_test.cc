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


TEST(ConfigDef, KafkaKeysGregorDoesNotApplyAreIgnoredAndTyposSuggested) {
  auto cfg = BrokerConfig::create({{"zookeeper.connect", "zk:2181"},
                                   {"ssl.keystore.location", "/x"},
                                   {"metric.reporters", ""},
                                   {"listener.name.internal.ssl.keystore.type", "PEM"},
                                   {"log.retention.hours", "5"}});
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  EXPECT_EQ(cfg->ignored_keys(), (std::vector<std::string>{"listener.name.internal.ssl.keystore.type",
                                                           "metric.reporters", "ssl.keystore.location",
                                                           "zookeeper.connect"}));
  EXPECT_EQ(cfg->get("log.retention.hours"), "5");
  auto typo = BrokerConfig::create({{"log.retention.hourz", "5"}});
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("did you mean 'log.retention.hours'"), std::string::npos)
      << typo.error().message;
  auto nonsense = BrokerConfig::create({{"completely.unrelated.thing", "1"}});
  ASSERT_FALSE(nonsense.ok());
  EXPECT_EQ(nonsense.error().message.find("did you mean"), std::string::npos) << nonsense.error().message;
}

TEST(ConfigDef, InertTopicKeysOfKafka3AreAccepted) {
  const ConfigKey* k = find_topic_key("message.format.version");
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE(k->inert);
  EXPECT_TRUE(validate_value(*k, "2.8-IV1").ok());
  EXPECT_FALSE(find_topic_key("retention.ms")->inert);
}

}  // namespace
}  // namespace gregor::metadata
