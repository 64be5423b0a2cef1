#ifndef GOALPOST_TESTS_E2E_CLI_RUNNER_H_
#define GOALPOST_TESTS_E2E_CLI_RUNNER_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace goalpost::e2e {

// What one run of the `goalpost` binary printed and returned.
struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;

  // stdout parsed as JSON; a discarded value when it is not JSON.
  nlohmann::json Json() const;
};

// Runs build/bin/goalpost with `arguments` (no shell involved), waits for it
// and captures stdout and stderr separately.
CliResult RunGoalpost(const std::vector<std::string>& arguments);

}  // namespace goalpost::e2e

#endif  // GOALPOST_TESTS_E2E_CLI_RUNNER_H_
