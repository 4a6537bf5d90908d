// open_logs: opens (and after a crash recovers) many partition logs at once with a few threads,
// as Kafka's LogManager loads a log dir with num.recovery.threads.per.data.dir threads. Opening
// a log waits mostly on fsync (recovered segments, checkpoints, the dir), so threads beyond the
// cores still help.
// Promises: results[i] answers requests[i]; one log's failure (an error, or an exception thrown
// while opening it) is its own result and stops no other; no exception leaves the call; the call
// returns once every log is open or failed. The caller must not touch the requests meanwhile.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "base/result.h"
#include "storage/log.h"

namespace gregor::storage {

struct OpenLogRequest {
  std::filesystem::path dir;
  LogConfig config;
  int64_t recovery_point = -1;    // as Log::open
  int64_t log_start_offset = -1;  // as Log::open
};

// threads < 1 counts as 1; never more threads than requests.
std::vector<Result<std::unique_ptr<Log>>> open_logs(const std::vector<OpenLogRequest>& requests, int threads);

}  // namespace gregor::storage
