#include "base/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace gregor::log {
void init(std::string_view level) {
  auto logger = spdlog::stderr_color_mt("gregor");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%t] %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
}
}  // namespace gregor::log
