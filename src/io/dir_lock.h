// DirLock: an exclusive advisory lock on a data directory, held through its ".lock" file (as
// Kafka's log dirs are), so two processes never open the same log dir. flock(2): released by
// the kernel when the process dies, so a kill -9 leaves nothing to clean up.
// Thread-safety: a DirLock is a handle; moving it moves the lock.
#pragma once

#include <filesystem>

#include "base/result.h"

namespace gregor::io {

class DirLock {
 public:
  // Creates dir/.lock if missing and locks it without waiting. Fails with a message naming the
  // dir when another process (or another DirLock in this one) holds it.
  static Result<DirLock> acquire(const std::filesystem::path& dir);

  DirLock(DirLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  DirLock& operator=(DirLock&& o) noexcept;
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  ~DirLock();

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace gregor::io
