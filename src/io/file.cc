#include "io/file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

namespace gregor::io {

namespace {
Error sys_error(const std::string& what, const std::filesystem::path& p) {
  return make_error(kStorageErrorCode, fmt::format("{} {}: {}", what, p.string(), std::strerror(errno)));
}
}  // namespace

Result<std::shared_ptr<File>> File::open(const std::filesystem::path& path, int flags, int mode) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0) return sys_error("open", path);
  return std::shared_ptr<File>(new File(fd, path));
}

File::~File() {
  if (fd_ >= 0) ::close(fd_);
}

Status File::pwrite_all(ByteView data, uint64_t offset) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, off_t(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return sys_error("write", path_);
    }
    done += size_t(n);
  }
  return Status::OK();
}

Result<size_t> File::pread_some(uint64_t offset, uint8_t* out, size_t n) const {
  for (;;) {
    ssize_t r = ::pread(fd_, out, n, off_t(offset));
    if (r < 0) {
      if (errno == EINTR) continue;
      return sys_error("read", path_);
    }
    return size_t(r);
  }
}

Status File::pread_exact(uint64_t offset, size_t n, Bytes& out) const {
  out.resize(n);
  size_t done = 0;
  while (done < n) {
    auto r = pread_some(offset + done, out.data() + done, n - done);
    if (!r.ok()) return r.error();
    if (*r == 0) return make_error(kStorageErrorCode, fmt::format("short read of {}", path_.string()));
    done += *r;
  }
  return Status::OK();
}

Result<uint64_t> File::size() const {
  off_t end = ::lseek(fd_, 0, SEEK_END);
  if (end < 0) return sys_error("lseek", path_);
  return uint64_t(end);
}

Status File::truncate(uint64_t size) {
  if (::ftruncate(fd_, off_t(size)) != 0) return sys_error("truncate", path_);
  return Status::OK();
}

Status File::datasync() {
  if (::fdatasync(fd_) != 0) return sys_error("fdatasync", path_);
  return Status::OK();
}

Status fsync_dir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return sys_error("open dir", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return sys_error("fsync dir", dir);
  return Status::OK();
}

Status write_file_atomic(const std::filesystem::path& path, std::string_view contents) {
  auto tmp = path;
  tmp += ".tmp";
  auto f = File::open(tmp, O_WRONLY | O_CREAT | O_TRUNC);
  if (!f.ok()) return f.error();
  if (auto s = (*f)->pwrite_all({reinterpret_cast<const uint8_t*>(contents.data()), contents.size()}, 0); !s.ok())
    return s;
  if (auto s = (*f)->datasync(); !s.ok()) return s;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return sys_error("rename", tmp);
  return fsync_dir(path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path());
}

Result<std::string> read_small_file(const std::filesystem::path& path, size_t max_bytes) {
  auto f = File::open(path, O_RDONLY);
  if (!f.ok()) return f.error();
  auto sz = (*f)->size();
  if (!sz.ok()) return sz.error();
  if (*sz > max_bytes) return make_error(kStorageErrorCode, fmt::format("{} is too large", path.string()));
  Bytes b;
  if (auto s = (*f)->pread_exact(0, size_t(*sz), b); !s.ok()) return s.error();
  return std::string(b.begin(), b.end());
}

}  // namespace gregor::io
