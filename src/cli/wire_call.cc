#include "cli/wire_call.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "cli/command_support.h"

namespace gregor::cli {

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Waits until fd is ready for `events` or the deadline passes.
bool wait_ready(int fd, short events, int64_t deadline) {
  for (;;) {
    int64_t left = deadline - now_ms();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, int(left));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

Result<int> connect_to(const std::string& host, const std::string& port, int64_t deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0)
    return make_error(-1, fmt::format("cannot resolve {}: {}", host, gai_strerror(rc)));
  std::string last = "no address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0 ||
        (errno == EINPROGRESS && wait_ready(fd, POLLOUT, deadline))) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) {
        ::freeaddrinfo(res);
        return fd;
      }
      last = std::strerror(err);
    } else {
      last = errno == EINPROGRESS ? "timed out" : std::strerror(errno);
    }
    ::close(fd);
  }
  ::freeaddrinfo(res);
  return make_error(-1, fmt::format("cannot connect to {}:{}: {}", host, port, last));
}

Status send_all(int fd, const uint8_t* p, size_t n, int64_t deadline) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w > 0) {
      p += w;
      n -= size_t(w);
    } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_ready(fd, POLLOUT, deadline)) return make_error(-1, "timed out sending the request");
    } else {
      return make_error(-1, fmt::format("send failed: {}", std::strerror(errno)));
    }
  }
  return Status::OK();
}

Status recv_all(int fd, uint8_t* p, size_t n, int64_t deadline) {
  while (n > 0) {
    ssize_t r = ::recv(fd, p, n, 0);
    if (r > 0) {
      p += r;
      n -= size_t(r);
    } else if (r == 0) {
      return make_error(-1, "the broker closed the connection");
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!wait_ready(fd, POLLIN, deadline)) return make_error(-1, "timed out waiting for the response");
    } else {
      return make_error(-1, fmt::format("receive failed: {}", std::strerror(errno)));
    }
  }
  return Status::OK();
}

Result<Bytes> exchange_with(const std::string& address, const Bytes& request, int64_t deadline) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) return make_error(-1, fmt::format("bad address {} (want host:port)", address));
  auto fd = connect_to(address.substr(0, colon), address.substr(colon + 1), deadline);
  if (!fd.ok()) return fd.error();
  Bytes frame;
  append_be32(frame, uint32_t(request.size()));
  frame.insert(frame.end(), request.begin(), request.end());
  Result<Bytes> out = make_error(-1, "no response");
  if (auto s = send_all(*fd, frame.data(), frame.size(), deadline); !s.ok()) {
    out = s.error();
  } else {
    uint8_t size_buf[4];
    if (auto r = recv_all(*fd, size_buf, 4, deadline); !r.ok()) {
      out = r.error();
    } else {
      uint32_t size = load_be32(size_buf);
      if (size < 4 || size > (256u << 20)) {
        out = make_error(-1, fmt::format("bad response size {}", size));
      } else {
        Bytes body(size);
        if (auto r2 = recv_all(*fd, body.data(), size, deadline); !r2.ok()) out = r2.error();
        else out = Bytes(body.begin() + 4, body.end());
      }
    }
  }
  ::close(*fd);
  return out;
}

}  // namespace

Result<Bytes> wire_exchange(const std::string& bootstrap, const Bytes& request, int timeout_ms) {
  int64_t deadline = now_ms() + timeout_ms;
  std::string errors;
  for (const auto& address : split_bootstrap(bootstrap)) {
    auto r = exchange_with(address, request, deadline);
    if (r.ok()) return r;
    errors += (errors.empty() ? "" : "; ") + r.error().message;
  }
  return make_error(-1, errors.empty() ? "no bootstrap server given" : errors);
}

}  // namespace gregor::cli
