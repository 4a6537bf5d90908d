// open_logs: many logs opened (and recovered) by a few threads answer in request order, and one
// log that cannot be opened fails alone.
#include <gtest/gtest.h>

#include <fstream>

#include "storage/open_logs.h"
#include "storage/test_util.h"

namespace gregor::storage {
namespace {

using namespace test_util;

TEST(OpenLogs, OpensEveryLogInRequestOrderAndAFailingOneFailsAlone) {
  TempDir d;
  std::vector<OpenLogRequest> reqs;
  for (int i = 0; i < 24; ++i) {
    auto dir = d.path() / ("t-" + std::to_string(i));
    auto log = Log::open(dir, LogConfig{}, -1, -1);
    ASSERT_TRUE(log.ok());
    for (int b = 0; b <= i % 3; ++b) ASSERT_TRUE((*log)->append(batch(2, 100), 1, 1000).ok());
    // No close: the next open recovers, as after kill -9.
    reqs.push_back({dir, LogConfig{}, -1, -1});
  }
  // A "partition dir" that is a plain file cannot be opened.
  std::ofstream(d.path() / "t-bad") << "not a dir";
  reqs.insert(reqs.begin() + 5, OpenLogRequest{d.path() / "t-bad", LogConfig{}, -1, -1});
  for (int threads : {0, 1, 4, 64}) {
    auto out = open_logs(reqs, threads);
    ASSERT_EQ(out.size(), reqs.size());
    for (size_t i = 0; i < reqs.size(); ++i) {
      if (i == 5) {
        EXPECT_FALSE(out[i].ok()) << "threads " << threads;
        continue;
      }
      ASSERT_TRUE(out[i].ok()) << out[i].error().message;
      EXPECT_EQ((*out[i])->dir(), reqs[i].dir);
      int k = std::stoi(reqs[i].dir.filename().string().substr(2));
      EXPECT_EQ((*out[i])->log_end_offset(), 2 * (k % 3 + 1)) << reqs[i].dir;
    }
  }
  EXPECT_TRUE(open_logs({}, 4).empty());
}

}  // namespace
}  // namespace gregor::storage
