#ifndef GOALPOST_COMMON_LOGGING_H_
#define GOALPOST_COMMON_LOGGING_H_

#include <string>

namespace goalpost {

struct LoggingOptions {
  // Logger name printed on every line, e.g. "datasets".
  std::string service_name;
  // "trace", "debug", "info", "warn", "error"; default "info".
  std::string level = "info";
  // When true, lines are JSON objects (one per line) for log collectors;
  // otherwise a human-readable pattern.
  bool json = false;
};

// Installs the process-wide spdlog default logger. Call once from main before
// anything logs. Code logs through spdlog's free functions (spdlog::info(...)).
void InitLogging(const LoggingOptions& options);

}  // namespace goalpost

#endif  // GOALPOST_COMMON_LOGGING_H_
