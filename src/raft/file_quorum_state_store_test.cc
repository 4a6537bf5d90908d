#include "raft/file_quorum_state_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace gregor::raft {
namespace {

class FileQuorumStateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gregor-raft-qs-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& text) { std::ofstream(dir_ / "quorum-state") << text; }
  std::filesystem::path dir_;
};

TEST_F(FileQuorumStateStoreTest, MissingFileIsNoState) {
  FileQuorumStateStore store(dir_ / "quorum-state", "c1", {1, 2, 3});
  auto loaded = store.load();
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(FileQuorumStateStoreTest, RoundTripInKafkasShape) {
  FileQuorumStateStore store(dir_ / "quorum-state", "c1", {1, 2, 3});
  QuorumStateData s{7, 2, 3};
  ASSERT_TRUE(store.save(s).ok());
  auto loaded = store.load();
  ASSERT_TRUE(loaded.ok());
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded, s);
  std::stringstream text;
  text << std::ifstream(dir_ / "quorum-state").rdbuf();
  EXPECT_EQ(text.str(),
            R"({"clusterId":"c1","leaderId":2,"leaderEpoch":7,"votedId":3,"appliedOffset":0,)"
            R"("currentVoters":[{"voterId":1},{"voterId":2},{"voterId":3}],"data_version":0})");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "quorum-state.tmp"));
  // Overwrite: the newest state wins.
  ASSERT_TRUE(store.save({8, -1, -1}).ok());
  EXPECT_EQ(**store.load(), (QuorumStateData{8, -1, -1}));
}

TEST_F(FileQuorumStateStoreTest, ReadsKafkaWrittenFile) {
  write(R"({"clusterId":"abc","leaderId":1,"leaderEpoch":2,"votedId":-1,"appliedOffset":0,)"
        R"("currentVoters":[{"voterId":1}],"data_version":0})");
  FileQuorumStateStore store(dir_ / "quorum-state", "abc", {1});
  auto loaded = store.load();
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(**loaded, (QuorumStateData{2, 1, -1}));
}

TEST_F(FileQuorumStateStoreTest, MalformedFileIsAnError) {
  FileQuorumStateStore store(dir_ / "quorum-state", "c1", {1});
  for (const char* bad : {"", "{", "[]", "not json", R"({"leaderEpoch":1})",
                          R"({"leaderId":1,"leaderEpoch":"2","votedId":-1,"data_version":0})",
                          R"({"leaderId":1,"leaderEpoch":-4,"votedId":-1,"data_version":0})",
                          R"({"leaderId":1,"leaderEpoch":99999999999,"votedId":-1,"data_version":0})",
                          R"({"leaderId":1,"leaderEpoch":2,"votedId":-1,"data_version":7})"}) {
    write(bad);
    auto loaded = store.load();
    ASSERT_FALSE(loaded.ok()) << bad;
    EXPECT_EQ(loaded.error().code, errc::kKafkaStorageError);
  }
}

}  // namespace
}  // namespace gregor::raft
