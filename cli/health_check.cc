#include "cli/health_check.h"

#include <chrono>
#include <future>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/generic/generic_stub.h>

#include "absl/strings/str_cat.h"

namespace goalpost::cli {
namespace {

// grpc.health.v1.HealthCheckResponse.ServingStatus values.
std::string StatusWord(uint64_t value) {
  switch (value) {
    case 0: return "UNKNOWN";
    case 1: return "SERVING";
    case 2: return "NOT_SERVING";
    case 3: return "SERVICE_UNKNOWN";
    default: return absl::StrCat("STATUS_", value);
  }
}

}  // namespace

absl::StatusOr<std::string> DecodeHealthResponse(const std::string& bytes) {
  // Debian's gRPC ships no generated health stubs, so the two-field message
  // is decoded here: tag 0x08 is field 1 as a varint; other fields are
  // skipped as protobuf requires. An empty message means status 0.
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(bytes.data()),
                                               static_cast<int>(bytes.size()));
  uint64_t status = 0;
  while (uint32_t tag = input.ReadTag()) {
    if (tag == 0x08) {
      if (!input.ReadVarint64(&status)) return absl::InternalError("truncated health response");
      continue;
    }
    if (!google::protobuf::internal::WireFormatLite::SkipField(&input, tag)) {
      return absl::InternalError("malformed health response");
    }
  }
  return StatusWord(status);
}

absl::StatusOr<std::string> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                        int timeout_seconds) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds));

  // HealthCheckRequest{service: ""} encodes to zero bytes.
  grpc::ByteBuffer request;
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                 &response, [&done](grpc::Status status) { done.set_value(status); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat(
        absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())), ": ",
        status.error_message()));
  }

  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return absl::InternalError("unreadable health response");
  std::string bytes;
  for (const auto& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return DecodeHealthResponse(bytes);
}

}  // namespace goalpost::cli
