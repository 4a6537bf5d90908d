#include "cli/message_formatter.h"

#include <gtest/gtest.h>

namespace gregor::cli {
namespace {

ConsoleRecord record() {
  ConsoleRecord r;
  r.partition = 2;
  r.offset = 17;
  r.key = "k";
  r.value = "v";
  r.headers = {{"h1", "x"}, {"h2", std::nullopt}};
  r.timestamp_kind = TimestampKind::kCreateTime;
  r.timestamp = 1700000000000;
  return r;
}

FormatterConfig config(const std::vector<KeyValue>& props) {
  auto c = formatter_config(props);
  EXPECT_TRUE(c) << c.error().message;
  return c ? c.value() : FormatterConfig{};
}

TEST(MessageFormatter, ValueOnlyByDefault) { EXPECT_EQ(format_record(FormatterConfig{}, record()), "v\n"); }

TEST(MessageFormatter, EveryFieldInKafkaOrder) {
  auto c = config({{"print.key", "true"},
                   {"print.offset", "true"},
                   {"print.timestamp", "true"},
                   {"print.partition", "true"},
                   {"print.headers", "true"}});
  EXPECT_EQ(format_record(c, record()), "CreateTime:1700000000000\tPartition:2\tOffset:17\th1:x,h2:null\tk\tv\n");
}

TEST(MessageFormatter, SeparatorsNullsAndMissingParts) {
  auto c = config({{"print.key", "true"},
                   {"key.separator", ":"},
                   {"null.literal", "<null>"},
                   {"print.headers", "true"},
                   {"headers.separator", "|"},
                   {"line.separator", ";"}});
  ConsoleRecord r;
  r.partition = 0;
  r.offset = 0;
  EXPECT_EQ(format_record(c, r), "NO_HEADERS:<null>:<null>;");
  auto key_only = config({{"print.key", "true"}, {"print.value", "false"}});
  EXPECT_EQ(format_record(key_only, record()), "k\n");  // No separator after the last field.
  auto ts = config({{"print.timestamp", "true"}});
  r.timestamp_kind = TimestampKind::kLogAppendTime;
  r.timestamp = 5;
  r.value = "";
  EXPECT_EQ(format_record(ts, r), "LogAppendTime:5\t\n");
  r.timestamp_kind = TimestampKind::kNone;
  EXPECT_EQ(format_record(ts, r), "NO_TIMESTAMP\t\n");
}

TEST(MessageFormatter, RejectsUnknownOrBadProperties) {
  EXPECT_FALSE(formatter_config({{"print.keys", "true"}}));
  EXPECT_FALSE(formatter_config({{"print.key", "1"}}));
}

}  // namespace
}  // namespace gregor::cli
