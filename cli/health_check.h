#ifndef GOALPOST_CLI_HEALTH_CHECK_H_
#define GOALPOST_CLI_HEALTH_CHECK_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"

namespace goalpost::cli {

// Asks a server's grpc.health.v1.Health/Check for the overall status ("")
// and returns the status word: "SERVING", "NOT_SERVING", "UNKNOWN" or
// "SERVICE_UNKNOWN". A server that cannot be reached within
// `timeout_seconds` is UNAVAILABLE.
absl::StatusOr<std::string> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                        int timeout_seconds);

// The health status word of an encoded HealthCheckResponse, whose only
// field is `ServingStatus status = 1`. INTERNAL when it does not decode.
absl::StatusOr<std::string> DecodeHealthResponse(const std::string& bytes);

}  // namespace goalpost::cli

#endif  // GOALPOST_CLI_HEALTH_CHECK_H_
