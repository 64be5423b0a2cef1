#include "cli/health_check.h"

#include <gtest/gtest.h>

namespace goalpost::cli {
namespace {

TEST(HealthResponseTest, DecodesServingStatus) {
  EXPECT_EQ(*DecodeHealthResponse(std::string("\x08\x01", 2)), "SERVING");
  EXPECT_EQ(*DecodeHealthResponse(std::string("\x08\x02", 2)), "NOT_SERVING");
  // proto3 leaves a zero status out, so an empty message is UNKNOWN.
  EXPECT_EQ(*DecodeHealthResponse(""), "UNKNOWN");
}

TEST(HealthResponseTest, SkipsUnknownFields) {
  // Field 2 as a length-delimited "ab", then status SERVING.
  EXPECT_EQ(*DecodeHealthResponse(std::string("\x12\x02" "ab\x08\x01", 6)), "SERVING");
}

TEST(HealthResponseTest, TruncatedMessageIsAnError) {
  EXPECT_FALSE(DecodeHealthResponse(std::string("\x08", 1)).ok());
}

TEST(HealthCheckTest, UnreachableServerIsUnavailable) {
  auto channel = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
  auto health = CheckHealth(channel, 2);
  ASSERT_FALSE(health.ok());
  EXPECT_EQ(health.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace goalpost::cli
