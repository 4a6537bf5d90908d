// What a failed flush means: the data the node acknowledged (or is about to) may not be on disk,
// and after a failed fsync the kernel may have dropped the dirty pages, so a retry proves
// nothing. As Kafka's KRaft brokers without JBOD support do on a log dir failure, the node
// halts at once (exit status 1, no clean shutdown: the next start recovers the logs); its
// leaderships move to the other replicas, and nothing more is acknowledged from that dir.
// Thread-safety: callable from any shard.
#pragma once

#include <filesystem>

#include "base/result.h"

namespace gregor::broker {

[[noreturn]] void halt_on_log_dir_failure(const std::filesystem::path& partition_dir, const Error& error);

}  // namespace gregor::broker
