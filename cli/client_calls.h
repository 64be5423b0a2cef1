#ifndef GOALPOST_CLI_CLIENT_CALLS_H_
#define GOALPOST_CLI_CLIENT_CALLS_H_

#include <string>

#include "absl/status/statusor.h"
#include "cli/context.h"
#include "goalpost/orchestrator/v1/orchestrator.pb.h"

// Calls that more than one command group makes.
namespace goalpost::cli {

// Reads a project from the orchestrator (its class names drive uploads).
absl::StatusOr<goalpost::orchestrator::v1::Project> FetchProject(Context& context,
                                                                 const std::string& project);

// Follows a run until it succeeds or fails and returns its last state. Text
// output prints each progress event as it arrives; JSON output prints
// nothing here. It watches the run's event stream and, when the stream
// breaks (an orchestrator restart), polls the run once a second instead.
// Gives up with DEADLINE_EXCEEDED after `timeout_seconds`.
absl::StatusOr<goalpost::orchestrator::v1::Run> WaitForRun(Context& context, const std::string& run,
                                                           int timeout_seconds);

// A failed run as a status, so `--wait` exits non-zero: ABORTED with the
// run's error. OK for a run that succeeded.
absl::Status RunOutcome(const goalpost::orchestrator::v1::Run& run);

}  // namespace goalpost::cli

#endif  // GOALPOST_CLI_CLIENT_CALLS_H_
