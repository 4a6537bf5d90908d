#include "cli/line_reader.h"

#include <gtest/gtest.h>

namespace gregor::cli {
namespace {

LineReaderConfig config(const std::vector<KeyValue>& props) {
  auto c = line_reader_config(props);
  EXPECT_TRUE(c) << c.error().message;
  return c ? c.value() : LineReaderConfig{};
}

TEST(LineReader, WholeLineIsTheValueByDefault) {
  auto r = parse_line(LineReaderConfig{}, "hello\tworld", 1);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->key);
  EXPECT_EQ(r->value, "hello\tworld");
  EXPECT_TRUE(r->headers.empty());
  r = parse_line(LineReaderConfig{}, "", 1);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->value, "");  // Empty, not null.
}

TEST(LineReader, KeyBeforeTheFirstSeparator) {
  auto c = config({{"parse.key", "true"}, {"key.separator", ":"}});
  auto r = parse_line(c, "k1:v:1", 1);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->key, "k1");
  EXPECT_EQ(r->value, "v:1");
  r = parse_line(c, ":v", 1);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->key, "");
  auto tab = parse_line(config({{"parse.key", "true"}}), "k\tv", 1);
  ASSERT_TRUE(tab);
  EXPECT_EQ(tab->key, "k");
  EXPECT_EQ(tab->value, "v");
}

TEST(LineReader, MissingKeySeparatorIsAnErrorUnlessIgnored) {
  auto r = parse_line(config({{"parse.key", "true"}}), "novalue", 7);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "No key separator found on line number 7: 'novalue'");
  r = parse_line(config({{"parse.key", "true"}, {"ignore.error", "true"}}), "novalue", 7);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->key);
  EXPECT_EQ(r->value, "novalue");
}

TEST(LineReader, HeadersKeyAndValue) {
  auto c = config({{"parse.headers", "true"}, {"parse.key", "true"}, {"null.marker", "NULL"}});
  auto r = parse_line(c, "h1:v1,h2:NULL,h3:\tkey\tvalue", 1);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->headers, (std::vector<ConsoleHeader>{{"h1", "v1"}, {"h2", std::nullopt}, {"h3", ""}}));
  EXPECT_EQ(r->key, "key");
  EXPECT_EQ(r->value, "value");
  r = parse_line(c, "\tNULL\tNULL", 1);  // No headers; null key and value.
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->headers.empty());
  EXPECT_FALSE(r->key);
  EXPECT_FALSE(r->value);
}

TEST(LineReader, HeaderErrors) {
  auto c = config({{"parse.headers", "true"}});
  EXPECT_EQ(parse_line(c, "no-delimiter", 3).error().message,
            "No headers delimiter found on line number 3: 'no-delimiter'");
  EXPECT_EQ(parse_line(c, "h1\tv", 4).error().message, "No header key separator found in pair 'h1' on line number 4");
  auto marker = config({{"parse.headers", "true"}, {"null.marker", "N"}});
  EXPECT_FALSE(parse_line(marker, "N:x\tv", 1));
}

TEST(LineReader, RejectsUnknownOrBadProperties) {
  EXPECT_FALSE(line_reader_config({{"parse.kye", "true"}}));
  EXPECT_FALSE(line_reader_config({{"parse.key", "yes"}}));
  EXPECT_FALSE(line_reader_config({{"key.separator", ""}}));
}

}  // namespace
}  // namespace gregor::cli
