#include "io/dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace gregor::io {

Result<DirLock> DirLock::acquire(const std::filesystem::path& dir) {
  auto path = dir / ".lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(-1, "cannot open " + path.string() + ": " + std::strerror(errno));
  // flock locks are per open file description, so a second acquire in this process fails too.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return make_error(-1, "log dir " + dir.string() +
                                " is in use by another process (its .lock is held): stop that process first, "
                                "or give this one other log.dirs");
    return make_error(-1, "cannot lock " + path.string() + ": " + std::strerror(err));
  }
  return DirLock(fd);
}

DirLock& DirLock::operator=(DirLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

DirLock::~DirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace gregor::io
