#include "model/error_code.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace gregor::model {
namespace {

TEST(ErrorCode, WireValuesMatchKafka) {
  EXPECT_EQ(to_int(ErrorCode::UNKNOWN_SERVER_ERROR), -1);
  EXPECT_EQ(to_int(ErrorCode::OFFSET_OUT_OF_RANGE), 1);
  EXPECT_EQ(to_int(ErrorCode::NOT_LEADER_OR_FOLLOWER), 6);
  EXPECT_EQ(to_int(ErrorCode::MESSAGE_TOO_LARGE), 10);
  EXPECT_EQ(to_int(ErrorCode::KAFKA_STORAGE_ERROR), 56);
  EXPECT_EQ(to_int(ErrorCode::UNSUPPORTED_COMPRESSION_TYPE), 76);
  EXPECT_EQ(to_int(ErrorCode::INVALID_RECORD), 87);
  EXPECT_EQ(to_int(ErrorCode::UNKNOWN_TOPIC_ID), 100);
}

TEST(ErrorCode, EveryCodeHasADistinctKafkaName) {
  std::set<std::string> names;
  for (int c = -1; c <= kMaxErrorCode; ++c) {
    std::string n = error_name(int16_t(c));
    EXPECT_NE(n, "UNKNOWN_ERROR_CODE") << c;
    names.insert(n);
  }
  EXPECT_EQ(names.size(), size_t(kMaxErrorCode + 2));
  EXPECT_STREQ(error_name(ErrorCode::NOT_LEADER_OR_FOLLOWER), "NOT_LEADER_OR_FOLLOWER");
  EXPECT_STREQ(error_name(int16_t(kMaxErrorCode + 1)), "UNKNOWN_ERROR_CODE");
}

}  // namespace
}  // namespace gregor::model
