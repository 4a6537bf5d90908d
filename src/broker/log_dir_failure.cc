#include "broker/log_dir_failure.h"

#include <unistd.h>

#include <cstdio>

#include "base/log.h"

namespace gregor::broker {

void halt_on_log_dir_failure(const std::filesystem::path& partition_dir, const Error& error) {
  GLOG_ERROR("log dir {} failed: flushing {} returned: {}. Halting this node so that nothing more is "
             "acknowledged from it (as Kafka halts a KRaft broker whose log dir fails); fix the disk and restart "
             "it, the logs are recovered on start",
             partition_dir.parent_path().string(), partition_dir.filename().string(), error.message);
  spdlog::shutdown();
  std::fflush(nullptr);
  ::_exit(1);
}

}  // namespace gregor::broker
