// Logging: spdlog to stderr with levels. Call log::init once at start; then use the
// GLOG_* macros from any thread (spdlog's stderr sink is thread-safe).
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace gregor::log {
// Sets up the stderr logger. level: trace, debug, info, warn, error, off.
void init(std::string_view level);
}  // namespace gregor::log

#define GLOG_TRACE(...) SPDLOG_TRACE(__VA_ARGS__)
#define GLOG_DEBUG(...) ::spdlog::debug(__VA_ARGS__)
#define GLOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define GLOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define GLOG_ERROR(...) ::spdlog::error(__VA_ARGS__)
