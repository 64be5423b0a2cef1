#ifndef GOALPOST_CLI_THRESHOLD_H_
#define GOALPOST_CLI_THRESHOLD_H_

#include <string>

#include "absl/status/statusor.h"
#include "goalpost/orchestrator/v1/orchestrator.pb.h"

namespace goalpost::cli {

// Parses a threshold as written on the command line: a metric name, an
// operator (>, >=, <, <=) and a number, with optional spaces:
// "f1[macro] >= 0.9", "precision[spam]>=0.95". The metric name is checked by
// the orchestrator, not here. INVALID_ARGUMENT names the text and what is
// wrong with it.
absl::StatusOr<goalpost::orchestrator::v1::Threshold> ParseThreshold(const std::string& text);

}  // namespace goalpost::cli

#endif  // GOALPOST_CLI_THRESHOLD_H_
