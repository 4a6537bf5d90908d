// ConnectionQuota: Kafka's connection limits for the whole node: max.connections (over all
// listeners) and max.connections.per.ip (with max.connections.per.ip.overrides). The acceptor
// asks before serving a connection: over the per-IP limit the connection is closed at once (as
// Kafka does); at the node limit the acceptor stops accepting until a connection closes, so new
// clients wait in the listen backlog.
// Thread-safety: all members are safe from any thread (one mutex).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace gregor::net {

class ConnectionQuota {
 public:
  struct Limits {
    int64_t max_connections = INT32_MAX;
    int64_t max_per_ip = INT32_MAX;
    std::map<std::string, int64_t> per_ip_overrides;  // ip -> limit
  };
  explicit ConnectionQuota(Limits limits) : limits_(std::move(limits)) {}

  // Whether the node is below max.connections (the acceptor waits while it is not).
  bool has_room() const {
    std::lock_guard lock(mu_);
    return total_ < limits_.max_connections;
  }
  // Counts a new connection from ip; false (nothing counted) if ip is at its limit.
  bool admit(const std::string& ip) {
    std::lock_guard lock(mu_);
    auto it = limits_.per_ip_overrides.find(ip);
    int64_t limit = it != limits_.per_ip_overrides.end() ? it->second : limits_.max_per_ip;
    auto& n = per_ip_[ip];
    if (n >= limit) {
      if (n == 0) per_ip_.erase(ip);
      return false;
    }
    ++n;
    ++total_;
    return true;
  }
  void release(const std::string& ip) {
    std::lock_guard lock(mu_);
    auto it = per_ip_.find(ip);
    if (it == per_ip_.end()) return;
    if (--it->second <= 0) per_ip_.erase(it);
    --total_;
  }
  int64_t total() const {
    std::lock_guard lock(mu_);
    return total_;
  }

 private:
  const Limits limits_;
  mutable std::mutex mu_;
  int64_t total_ = 0;
  std::map<std::string, int64_t> per_ip_;
};

}  // namespace gregor::net
