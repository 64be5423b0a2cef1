#ifndef GOALPOST_COMMON_TESTING_SUBPROCESS_H_
#define GOALPOST_COMMON_TESTING_SUBPROCESS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace goalpost::testing {

// Runs argv[0] (searched in PATH) with its arguments, waits for it, and
// returns its combined stdout and stderr. A non-zero exit is an INTERNAL
// error carrying the output.
absl::StatusOr<std::string> RunCommand(const std::vector<std::string>& argv);

// Wraps argv so that it runs as `user` when this process is root (through
// runuser), and unchanged otherwise.
std::vector<std::string> AsUserWhenRoot(const std::string& user, std::vector<std::string> argv);

}  // namespace goalpost::testing

#endif  // GOALPOST_COMMON_TESTING_SUBPROCESS_H_
