#include "common/logging.h"

#include <memory>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace goalpost {

void InitLogging(const LoggingOptions& options) {
  auto logger = spdlog::stderr_color_mt(options.service_name.empty() ? "goalpost"
                                                                     : options.service_name);
  if (options.json) {
    // One JSON object per line. Messages are written by goalpost code, which
    // keeps them free of double quotes and backslashes in ids it logs.
    logger->set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","service":"%n","thread":%t,"message":"%v"})",
        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %L %n [%t] %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(spdlog::level::from_str(options.level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace goalpost
