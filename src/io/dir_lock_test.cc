#include "io/dir_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

namespace gregor::io {
namespace {

std::filesystem::path temp_dir() {
  static std::mt19937_64 rng(std::random_device{}());
  auto p = std::filesystem::temp_directory_path() / ("gregor-lock-" + std::to_string(rng()));
  std::filesystem::create_directories(p);
  return p;
}

TEST(DirLock, IsExclusiveWithinAndAcrossProcessesAndFreedOnRelease) {
  auto dir = temp_dir();
  {
    auto a = DirLock::acquire(dir);
    ASSERT_TRUE(a.ok()) << a.error().message;
    auto b = DirLock::acquire(dir);
    ASSERT_FALSE(b.ok());
    EXPECT_NE(b.error().message.find("in use by another process"), std::string::npos) << b.error().message;
    pid_t child = fork();
    if (child == 0) _exit(DirLock::acquire(dir).ok() ? 0 : 3);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 3);  // the other process is refused
    DirLock moved = std::move(*a);
    EXPECT_FALSE(DirLock::acquire(dir).ok());  // the moved handle still holds it
  }
  EXPECT_TRUE(DirLock::acquire(dir).ok());
  std::filesystem::remove_all(dir);
}

TEST(DirLock, AMissingDirIsAnError) {
  auto r = DirLock::acquire("/nonexistent-gregor-dir/x");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(".lock"), std::string::npos);
}

}  // namespace
}  // namespace gregor::io
