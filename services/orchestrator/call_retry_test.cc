#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/orchestrator/peer_clients.h"

namespace goalpost::orchestrator {
namespace {

using ::testing::HasSubstr;

RetryPolicy FastPolicy(int max_attempts) {
  RetryPolicy policy;
  policy.max_attempts = max_attempts;
  policy.initial_backoff = absl::Milliseconds(1);
  policy.max_backoff = absl::Milliseconds(2);
  return policy;
}

// Fails with `failures` statuses first, then succeeds.
auto Script(std::vector<grpc::Status> failures, int* calls) {
  return [failures, calls](grpc::ClientContext&) {
    int call = (*calls)++;
    return call < static_cast<int>(failures.size()) ? failures[call] : grpc::Status::OK;
  };
}

const grpc::Status kUnavailable(grpc::StatusCode::UNAVAILABLE, "connection refused");

TEST(CallWithRetryTest, RetriesUnavailableUntilSuccess) {
  int calls = 0;
  absl::Status status =
      CallWithRetry(FastPolicy(5), "Evaluate d", Script({kUnavailable, kUnavailable}, &calls));
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(calls, 3);
}

TEST(CallWithRetryTest, OtherErrorsAreNotRetried) {
  int calls = 0;
  grpc::Status invalid(grpc::StatusCode::INVALID_ARGUMENT, "unknown column");
  absl::Status status = CallWithRetry(FastPolicy(5), "Evaluate d", Script({invalid}, &calls));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 1);
}

TEST(CallWithRetryTest, GivesUpAfterMaxAttempts) {
  int calls = 0;
  absl::Status status = CallWithRetry(
      FastPolicy(3), "Evaluate d", Script({kUnavailable, kUnavailable, kUnavailable}, &calls));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("Evaluate d"));
  EXPECT_THAT(status.message(), HasSubstr("connection refused"));
  EXPECT_EQ(calls, 3);
}

TEST(CallWithRetryTest, CancelledRunStopsRetrying) {
  int calls = 0;
  absl::Status status = CallWithRetry(
      FastPolicy(5), "Evaluate d", Script({kUnavailable, kUnavailable}, &calls), [] { return true; });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("cancelled"));
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace goalpost::orchestrator
