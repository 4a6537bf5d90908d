#include "server/node_config.h"
#include "server/properties.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace gregor::server {
namespace {

TEST(Properties, ParsesCommentsSeparatorsAndContinuations) {
  auto m = parse_properties("# c\n! c\n a = 1 \nb:2\nc=x,\\\n  y\n\n", "t");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->at("a"), "1");
  EXPECT_EQ(m->at("b"), "2");
  EXPECT_EQ(m->at("c"), "x,y");
}

TEST(Properties, LineWithoutSeparatorIsAnErrorWithLineNumber) {
  auto m = parse_properties("a=1\nnonsense\n", "file.properties");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("file.properties:2"), std::string::npos);
}

TEST(NodeConfig, DerivesTheDocumentedSingleNodeCommand) {
  auto cfg = metadata::BrokerConfig::create({{"node.id", "1"},
                                              {"process.roles", "broker,controller"},
                                              {"listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"},
                                              {"controller.quorum.voters", "1@127.0.0.1:19093"},
                                              {"log.dirs", "/tmp/g1/data"}});
  ASSERT_TRUE(cfg.ok());
  auto n = derive_node_config(*cfg);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(n->node_id, 1);
  EXPECT_TRUE(n->broker && n->controller);
  ASSERT_EQ(n->listeners.size(), 2u);
  EXPECT_EQ(n->listeners[0].port, 19092);
  ASSERT_EQ(n->advertised.size(), 1u);
  EXPECT_EQ(n->advertised[0].name, "PLAINTEXT");
  ASSERT_EQ(n->voters.size(), 1u);
  EXPECT_EQ(n->voters[0].port, 19093);
  EXPECT_EQ(n->log_dirs[0], "/tmp/g1/data");
}

TEST(NodeConfig, MissingNodeIdAndBadListenerAreErrors) {
  auto no_id = metadata::BrokerConfig::create({{"process.roles", "broker"}});
  ASSERT_TRUE(no_id.ok());
  EXPECT_FALSE(derive_node_config(*no_id).ok());
  auto bad = parse_listeners("PLAINTEXT:9092", "listeners");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("listeners"), std::string::npos);
}


TEST(NodeConfig, SecurityProtocolsThatAreNotServedAreRefusedAtStart) {
  auto derive = [](std::map<std::string, std::string> extra) {
    std::map<std::string, std::string> base{{"node.id", "1"},
                                            {"process.roles", "broker,controller"},
                                            {"listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"},
                                            {"controller.quorum.voters", "1@127.0.0.1:19093"},
                                            {"log.dirs", "/tmp/g1/data"}};
    for (auto& [k, v] : extra) base[k] = v;
    auto cfg = metadata::BrokerConfig::create(base);
    GREGOR_ASSERT(cfg.ok());
    return derive_node_config(*cfg);
  };
  for (const char* proto : {"SSL", "SASL_PLAINTEXT", "SASL_SSL"}) {
    auto n = derive({{"listeners", std::string(proto) + "://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"}});
    ASSERT_FALSE(n.ok()) << proto;
    EXPECT_NE(n.error().message.find("does not serve yet"), std::string::npos) << n.error().message;
  }
  // A custom name mapped to a secure protocol, and one mapped to PLAINTEXT.
  auto mapped = derive({{"listeners", "CLIENT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"},
                        {"listener.security.protocol.map", "CLIENT:SASL_SSL,CONTROLLER:PLAINTEXT"}});
  ASSERT_FALSE(mapped.ok());
  EXPECT_NE(mapped.error().message.find("CLIENT uses security protocol SASL_SSL"), std::string::npos);
  auto plain = derive({{"listeners", "CLIENT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"},
                       {"listener.security.protocol.map", "CLIENT:PLAINTEXT"}});
  EXPECT_TRUE(plain.ok()) << plain.error().message;
  auto unmapped = derive({{"listeners", "CLIENT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"}});
  ASSERT_FALSE(unmapped.ok());
  EXPECT_NE(unmapped.error().message.find("no security protocol"), std::string::npos);
  EXPECT_FALSE(derive({{"security.inter.broker.protocol", "SSL"}}).ok());
  EXPECT_TRUE(derive({}).ok());
}

}  // namespace
}  // namespace gregor::server
