#include "common/status.h"

#include <string>

#include <gtest/gtest.h>

#include "absl/status/statusor.h"

namespace goalpost {
namespace {

TEST(StatusTest, CodesMapOneToOne) {
  const absl::StatusCode codes[] = {
      absl::StatusCode::kCancelled,          absl::StatusCode::kUnknown,
      absl::StatusCode::kInvalidArgument,    absl::StatusCode::kDeadlineExceeded,
      absl::StatusCode::kNotFound,           absl::StatusCode::kAlreadyExists,
      absl::StatusCode::kPermissionDenied,   absl::StatusCode::kResourceExhausted,
      absl::StatusCode::kFailedPrecondition, absl::StatusCode::kAborted,
      absl::StatusCode::kOutOfRange,         absl::StatusCode::kUnimplemented,
      absl::StatusCode::kInternal,           absl::StatusCode::kUnavailable,
      absl::StatusCode::kDataLoss,           absl::StatusCode::kUnauthenticated,
  };
  for (absl::StatusCode code : codes) {
    SCOPED_TRACE(absl::StatusCodeToString(code));
    absl::Status original(code, "column label, line 7: value \"x\"");
    grpc::Status wire = ToGrpcStatus(original);
    EXPECT_EQ(static_cast<int>(wire.error_code()), static_cast<int>(code));
    EXPECT_EQ(wire.error_message(), "column label, line 7: value \"x\"");
    EXPECT_EQ(FromGrpcStatus(wire), original);
  }
}

TEST(StatusTest, OkMapsToOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(StatusTest, LongMessageIsCut) {
  std::string long_message(100000, 'x');
  grpc::Status wire = ToGrpcStatus(absl::InvalidArgumentError(long_message));
  EXPECT_LT(wire.error_message().size(), 4200u);
  EXPECT_NE(wire.error_message().find("message cut"), std::string::npos);
}

TEST(StatusTest, AnnotateKeepsCodeAndPrefixesContext) {
  absl::Status annotated = Annotate(absl::NotFoundError("no such row"), "reading dataset d1");
  EXPECT_EQ(annotated.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(annotated.message(), "reading dataset d1: no such row");
  EXPECT_TRUE(Annotate(absl::OkStatus(), "context").ok());
}

absl::StatusOr<int> Half(int value) {
  if (value % 2 != 0) return absl::InvalidArgumentError("odd");
  return value / 2;
}

absl::Status QuarterInto(int value, int* out) {
  GOALPOST_ASSIGN_OR_RETURN(int half, Half(value));
  GOALPOST_ASSIGN_OR_RETURN(*out, Half(half));
  return absl::OkStatus();
}

TEST(StatusTest, AssignOrReturnPropagatesErrors) {
  int out = 0;
  EXPECT_TRUE(QuarterInto(8, &out).ok());
  EXPECT_EQ(out, 2);
  EXPECT_EQ(QuarterInto(6, &out).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace goalpost
