#include "cli/kafka_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gregor::cli {
namespace {

// librdkafka logs what its log_level property lets through (default: info and worse, which
// in practice means connection failures and the like); each line goes to stderr as is.
void log_to_stderr(const rd_kafka_t*, int /*level*/, const char* facility, const char* message) {
  std::string line = "librdkafka: ";
  line += facility;
  line += ": ";
  line += message;
  print_error(line);
}

// Whether a TCP connection to host:port opens within budget_ms; the reason if not.
std::string try_connect(const std::string& host, const std::string& port, int budget_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0) return ::gai_strerror(rc);
  std::string why = "no address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, budget_ms);
      if (rc == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        errno = err;
        rc = err == 0 ? 0 : -1;
      } else {
        errno = rc == 0 ? ETIMEDOUT : errno;
        rc = -1;
      }
    }
    if (rc == 0) {
      ::close(fd);
      ::freeaddrinfo(res);
      return "";
    }
    why = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(res);
  return why;
}

}  // namespace

Status check_reachable(const std::string& bootstrap_servers, int budget_ms) {
  std::string reasons;
  for (const auto& item : split_bootstrap(bootstrap_servers)) {
    size_t colon = item.rfind(':');
    std::string host = colon == std::string::npos ? item : item.substr(0, colon);
    std::string port = colon == std::string::npos ? "9092" : item.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    std::string why = try_connect(host, port, budget_ms);
    if (why.empty()) return Status::OK();
    reasons += (reasons.empty() ? "" : "; ") + item + ": " + why;
  }
  return make_error(-1, "cannot connect to any bootstrap server (" + (reasons.empty() ? std::string("none given") : reasons) +
                            ")");
}

std::string describe_kafka_error(rd_kafka_resp_err_t err, std::string_view message) {
  std::string out = rd_kafka_err2name(err);
  out += ": ";
  if (message.empty()) {
    out += rd_kafka_err2str(err);
  } else {
    out += message;
  }
  return out;
}

Error kafka_error(std::string_view what, rd_kafka_resp_err_t err, std::string_view message) {
  std::string text(what);
  text += ": ";
  text += describe_kafka_error(err, message);
  return make_error(static_cast<int16_t>(err), std::move(text));
}

Error kafka_error(std::string_view what, const rd_kafka_error_t* error) {
  if (error == nullptr) return kafka_error(what, RD_KAFKA_RESP_ERR_NO_ERROR);
  const char* msg = rd_kafka_error_string(error);
  return kafka_error(what, rd_kafka_error_code(error), msg ? msg : "");
}

Status set_conf(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    return make_error(0, "invalid client property " + key + "=" + value + ": " + errstr);
  }
  return Status::OK();
}

Result<ConfHandle> make_conf(const std::string& bootstrap_servers, const std::vector<KeyValue>& properties) {
  // A wrong address fails here in a few seconds with one line, not after the command's whole
  // timeout of librdkafka reconnect logs (librdkafka's mock cluster needs no check).
  bool mock = false;
  for (const auto& [key, value] : properties) mock |= key == "test.mock.num.brokers";
  if (!mock) {
    if (auto s = check_reachable(bootstrap_servers, 3000); !s.ok()) return s.error();
  }
  ConfHandle conf(rd_kafka_conf_new());
  rd_kafka_conf_set_log_cb(conf.get(), log_to_stderr);
  if (auto s = set_conf(conf.get(), "bootstrap.servers", bootstrap_servers); !s) return s.error();
  for (const auto& [key, value] : properties) {
    if (auto s = set_conf(conf.get(), key, value); !s) return s.error();
  }
  return conf;
}

Result<ClientHandle> make_client(rd_kafka_type_t type, ConfHandle conf) {
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof errstr);
  if (rk == nullptr) return make_error(0, std::string("cannot create Kafka client: ") + errstr);
  conf.release();  // rd_kafka_new took ownership.
  return ClientHandle(rk);
}

Result<ClientHandle> make_client(rd_kafka_type_t type, const std::string& bootstrap_servers,
                                 const std::vector<KeyValue>& properties) {
  auto conf = make_conf(bootstrap_servers, properties);
  if (!conf) return conf.error();
  return make_client(type, std::move(conf.value()));
}

Result<MetadataHandle> fetch_all_metadata(rd_kafka_t* rk, int timeout_ms) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, /*all_topics=*/1, nullptr, &md, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return kafka_error("cannot fetch metadata", err);
  return MetadataHandle(md);
}

}  // namespace gregor::cli
