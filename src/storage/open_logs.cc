#include "storage/open_logs.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>
#include <system_error>
#include <thread>

#include "model/error_code.h"

namespace gregor::storage {

namespace {
Result<std::unique_ptr<Log>> open_one(const OpenLogRequest& r) {
  try {
    return Log::open(r.dir, r.config, r.recovery_point, r.log_start_offset);
  } catch (const std::exception& e) {
    return model::make_error(model::ErrorCode::KAFKA_STORAGE_ERROR, r.dir.string() + ": " + e.what());
  }
}
}  // namespace

std::vector<Result<std::unique_ptr<Log>>> open_logs(const std::vector<OpenLogRequest>& requests, int threads) {
  const size_t n = requests.size();
  std::vector<std::optional<Result<std::unique_ptr<Log>>>> slots(n);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) slots[i].emplace(open_one(requests[i]));
  };
  size_t extra = std::min(n, size_t(std::max(threads, 1))) - (n > 0 ? 1 : 0);
  std::vector<std::thread> pool;
  pool.reserve(extra);
  for (size_t t = 0; t < extra; ++t) {
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads to be had: the ones started and this one do the rest
    }
  }
  work();
  for (auto& t : pool) t.join();
  std::vector<Result<std::unique_ptr<Log>>> out;
  out.reserve(n);
  for (auto& s : slots) out.push_back(std::move(*s));
  return out;
}

}  // namespace gregor::storage
