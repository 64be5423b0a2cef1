#ifndef GOALPOST_TESTS_CLUSTER_REFLECTION_CLIENT_H_
#define GOALPOST_TESTS_CLUSTER_REFLECTION_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace goalpost::testing {

// Lists the fully qualified service names that a server publishes through
// gRPC server reflection (grpc.reflection.v1alpha, the version that
// libgrpc++_reflection 1.51 serves), sorted. Fails with the call's status
// when the server cannot be reached or returns an error response.
absl::StatusOr<std::vector<std::string>> ListReflectedServices(
    std::shared_ptr<grpc::Channel> channel, absl::Duration timeout);

}  // namespace goalpost::testing

#endif  // GOALPOST_TESTS_CLUSTER_REFLECTION_CLIENT_H_
