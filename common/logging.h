#ifndef GOALPOST_COMMON_LOGGING_H_
#define GOALPOST_COMMON_LOGGING_H_

#include <string>

#include <spdlog/fmt/fmt.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

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

// Debian 12's Abseil is built with its own absl::string_view (not an alias of
// std::string_view), so fmt needs to be told how to print it and
// absl::Status. Include this header wherever spdlog formats either.
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<fmt::string_view> {
  template <typename FormatContext>
  auto format(absl::string_view text, FormatContext& context) const {
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(text.data(), text.size()),
                                                    context);
  }
};

template <>
struct fmt::formatter<absl::Status> : fmt::formatter<fmt::string_view> {
  template <typename FormatContext>
  auto format(const absl::Status& status, FormatContext& context) const {
    std::string text = status.ToString();
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(text), context);
  }
};

#endif  // GOALPOST_COMMON_LOGGING_H_
