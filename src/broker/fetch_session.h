// Incremental fetch sessions (KIP-227). A session remembers, per partition, the fetch offset
// and byte limit the client last sent and what the broker last reported (high watermark, last
// stable offset, log start offset), so incremental fetches name only changed partitions and
// responses carry only partitions with news. Sessions live on the shard of the connection that
// created them; ids are unique per node.
// Thread-safety: owner shard only.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace gregor::broker {

struct SessionPartition {
  int64_t fetch_offset = 0;
  int32_t max_bytes = 0;
  int64_t last_high_watermark = -1;
  int64_t last_stable_offset = -1;
  int64_t last_log_start = -1;
  bool reported = false;  // reported at least once
};

struct FetchSession {
  int32_t id = 0;
  int32_t epoch = 0;  // the epoch the next request must carry
  // Ordered by (topic, partition) for deterministic responses.
  std::map<std::pair<std::string, int32_t>, SessionPartition> partitions;
};

class FetchSessionCache {
 public:
  explicit FetchSessionCache(size_t capacity = 1000) : capacity_(capacity) {}
  void set_id_space(int32_t first, int32_t stride) { next_id_ = first; stride_ = stride; }
  // Creates a session (evicting the least recently used one when full).
  FetchSession& create();
  FetchSession* find(int32_t id);
  void remove(int32_t id);
  size_t size() const { return sessions_.size(); }

 private:
  size_t capacity_;
  int32_t next_id_ = 1;
  int32_t stride_ = 1;
  std::list<FetchSession> sessions_;  // most recently used first
  std::unordered_map<int32_t, std::list<FetchSession>::iterator> index_;
};

}  // namespace gregor::broker
