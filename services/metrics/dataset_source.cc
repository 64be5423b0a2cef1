#include "services/metrics/dataset_source.h"

#include "absl/time/clock.h"
#include "common/status.h"

namespace goalpost::metrics {

using ::goalpost::datasets::v1::Dataset;
using ::goalpost::datasets::v1::GetDatasetRequest;
using ::goalpost::datasets::v1::GetDatasetResponse;
using ::goalpost::datasets::v1::GetPredictionSetRequest;
using ::goalpost::datasets::v1::GetPredictionSetResponse;
using ::goalpost::datasets::v1::LookupTokensRequest;
using ::goalpost::datasets::v1::LookupTokensResponse;
using ::goalpost::datasets::v1::PredictionSet;
using ::goalpost::datasets::v1::ReadColumnsRequest;
using ::goalpost::datasets::v1::ReadColumnsResponse;

GrpcDatasetSource::GrpcDatasetSource(std::shared_ptr<grpc::Channel> channel,
                                     absl::Duration call_timeout)
    : stub_(goalpost::datasets::v1::DatasetService::NewStub(std::move(channel))),
      call_timeout_(call_timeout) {}

void GrpcDatasetSource::SetDeadline(grpc::ClientContext& context) const {
  context.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
}

absl::StatusOr<Dataset> GrpcDatasetSource::GetDataset(const std::string& name) {
  grpc::ClientContext context;
  SetDeadline(context);
  GetDatasetRequest request;
  request.set_name(name);
  GetDatasetResponse response;
  const grpc::Status status = stub_->GetDataset(&context, request, &response);
  if (!status.ok()) return Annotate(FromGrpcStatus(status), "getting dataset " + name);
  return response.dataset();
}

absl::StatusOr<PredictionSet> GrpcDatasetSource::GetPredictionSet(const std::string& name) {
  grpc::ClientContext context;
  SetDeadline(context);
  GetPredictionSetRequest request;
  request.set_name(name);
  GetPredictionSetResponse response;
  const grpc::Status status = stub_->GetPredictionSet(&context, request, &response);
  if (!status.ok()) return Annotate(FromGrpcStatus(status), "getting prediction set " + name);
  return response.prediction_set();
}

absl::Status GrpcDatasetSource::ReadColumns(
    const ReadColumnsRequest& request,
    const std::function<absl::Status(const ReadColumnsResponse&)>& consume) {
  grpc::ClientContext context;
  SetDeadline(context);
  std::unique_ptr<grpc::ClientReader<ReadColumnsResponse>> reader =
      stub_->ReadColumns(&context, request);

  ReadColumnsResponse chunk;
  while (reader->Read(&chunk)) {
    const absl::Status status = consume(chunk);
    if (!status.ok()) {
      context.TryCancel();
      reader->Finish();
      return status;
    }
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return Annotate(FromGrpcStatus(status), "reading columns of " + request.name());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int64_t>> GrpcDatasetSource::LookupTokens(
    const LookupTokensRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  std::unique_ptr<grpc::ClientReader<LookupTokensResponse>> reader =
      stub_->LookupTokens(&context, request);

  std::vector<int64_t> rows;
  LookupTokensResponse response;
  while (reader->Read(&response)) {
    rows.insert(rows.end(), response.row_indices().begin(), response.row_indices().end());
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) {
    return Annotate(FromGrpcStatus(status), "looking up tokens in column " + request.column());
  }
  return rows;
}

}  // namespace goalpost::metrics
