#ifndef GOALPOST_COMMON_STATUS_H_
#define GOALPOST_COMMON_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace goalpost {

// The one mapping between absl::Status and grpc::Status. Codes map one to one
// (both follow google.rpc.Code). Messages longer than 4 KiB are cut, so a
// status never carries a whole input back to the client.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// Prefixes a status message with context ("reading dataset projects/p/...: ")
// and keeps the code.
absl::Status Annotate(const absl::Status& status, absl::string_view context);

}  // namespace goalpost

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define GOALPOST_RETURN_IF_ERROR(expr)        \
  do {                                        \
    ::absl::Status goalpost_status_ = (expr); \
    if (!goalpost_status_.ok()) return goalpost_status_; \
  } while (false)

#define GOALPOST_STATUS_CONCAT_INNER_(a, b) a##b
#define GOALPOST_STATUS_CONCAT_(a, b) GOALPOST_STATUS_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>), returns its status when not OK,
// and otherwise moves the value into `lhs` (which may be a declaration).
#define GOALPOST_ASSIGN_OR_RETURN(lhs, rexpr) \
  GOALPOST_ASSIGN_OR_RETURN_IMPL_(GOALPOST_STATUS_CONCAT_(goalpost_statusor_, __LINE__), lhs, rexpr)
#define GOALPOST_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                      \
  if (!statusor.ok()) return statusor.status();                 \
  lhs = std::move(statusor).value()

#endif  // GOALPOST_COMMON_STATUS_H_
