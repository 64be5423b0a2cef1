#include "tests/cluster/reflection_client.h"

#include <algorithm>
#include <cstdint>

#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/generic/generic_stub.h>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace goalpost::testing {
namespace {

constexpr char kReflectionMethod[] =
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

// Field numbers of grpc.reflection.v1alpha messages.
constexpr int kRequestListServices = 7;        // ServerReflectionRequest.list_services
constexpr int kResponseListServices = 6;       // ServerReflectionResponse.list_services_response
constexpr int kResponseError = 7;              // ServerReflectionResponse.error_response
constexpr int kListServiceResponseService = 1; // ListServiceResponse.service
constexpr int kServiceResponseName = 1;        // ServiceResponse.name

// The C++ classes of these messages live inside libgrpc++_reflection without
// public headers, so the messages are built and read as unknown fields.
std::string ListServicesRequest() {
  google::protobuf::UnknownFieldSet request;
  request.AddLengthDelimited(kRequestListServices, "");
  std::string bytes;
  request.SerializeToString(&bytes);
  return bytes;
}

absl::StatusOr<std::vector<std::string>> ParseListServicesResponse(const std::string& bytes) {
  google::protobuf::UnknownFieldSet response;
  if (!response.ParseFromString(bytes)) {
    return absl::DataLossError("server reflection response does not parse");
  }

  std::vector<std::string> names;
  for (int i = 0; i < response.field_count(); ++i) {
    const google::protobuf::UnknownField& field = response.field(i);
    if (field.number() == kResponseError) {
      return absl::UnknownError("server reflection returned an error response");
    }
    if (field.number() != kResponseListServices) continue;

    google::protobuf::UnknownFieldSet list;
    if (!list.ParseFromString(field.length_delimited())) {
      return absl::DataLossError("list_services_response does not parse");
    }
    for (int j = 0; j < list.field_count(); ++j) {
      if (list.field(j).number() != kListServiceResponseService) continue;
      google::protobuf::UnknownFieldSet service;
      if (!service.ParseFromString(list.field(j).length_delimited())) {
        return absl::DataLossError("ServiceResponse does not parse");
      }
      for (int k = 0; k < service.field_count(); ++k) {
        if (service.field(k).number() == kServiceResponseName) {
          names.push_back(service.field(k).length_delimited());
        }
      }
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

absl::StatusOr<std::string> FromByteBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  grpc::Status dumped = buffer.Dump(&slices);
  if (!dumped.ok()) return FromGrpcStatus(dumped);
  std::string bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes;
}

void* Tag(intptr_t step) { return reinterpret_cast<void*>(step); }

// Waits for the completion of the one outstanding operation `tag`; returns
// whether it succeeded.
bool Await(grpc::CompletionQueue& queue, void* tag) {
  void* completed = nullptr;
  bool ok = false;
  if (!queue.Next(&completed, &ok)) return false;
  return ok && completed == tag;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ListReflectedServices(
    std::shared_ptr<grpc::Channel> channel, absl::Duration timeout) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::CompletionQueue queue;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, kReflectionMethod, &queue);

  // One request, then read the one response. A failed step leaves the
  // reason in the status that Finish returns.
  grpc::ByteBuffer response;
  bool exchanged = false;
  call->StartCall(Tag(1));
  if (Await(queue, Tag(1))) {
    call->Write(ToByteBuffer(ListServicesRequest()), Tag(2));
    if (Await(queue, Tag(2))) {
      call->WritesDone(Tag(3));
      if (Await(queue, Tag(3))) {
        call->Read(&response, Tag(4));
        exchanged = Await(queue, Tag(4));
      }
    }
  }

  grpc::Status status;
  call->Finish(&status, Tag(5));
  Await(queue, Tag(5));
  queue.Shutdown();
  void* ignored_tag = nullptr;
  bool ignored_ok = false;
  while (queue.Next(&ignored_tag, &ignored_ok)) {
  }

  if (!status.ok()) return FromGrpcStatus(status);
  if (!exchanged) return absl::UnavailableError("server reflection sent no response");
  absl::StatusOr<std::string> bytes = FromByteBuffer(response);
  if (!bytes.ok()) return bytes.status();
  return ParseListServicesResponse(*bytes);
}

}  // namespace goalpost::testing
