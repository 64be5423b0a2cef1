#include "services/explain/dataset_client.h"

#include "absl/strings/str_cat.h"
#include "services/explain/peer_channel.h"

namespace goalpost::explain {
namespace {

constexpr absl::string_view kPeer = "datasets service";

void SetDeadline(grpc::ClientContext& context, absl::Duration timeout) {
  context.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
}

}  // namespace

DatasetClient::DatasetClient(std::shared_ptr<grpc::Channel> channel, std::string address,
                             absl::Duration timeout)
    : stub_(datasets::v1::DatasetService::NewStub(channel)),
      address_(std::move(address)),
      timeout_(timeout) {}

absl::StatusOr<datasets::v1::Dataset> DatasetClient::GetDataset(const std::string& name) const {
  grpc::ClientContext context;
  SetDeadline(context, timeout_);
  datasets::v1::GetDatasetRequest request;
  request.set_name(name);
  datasets::v1::GetDatasetResponse response;
  const grpc::Status status = stub_->GetDataset(&context, request, &response);
  if (!status.ok()) return PeerError(status, kPeer, address_);
  return response.dataset();
}

absl::StatusOr<std::vector<datasets::v1::Row>> DatasetClient::GetRows(
    const std::string& dataset, const std::vector<std::string>& row_ids) const {
  grpc::ClientContext context;
  SetDeadline(context, timeout_);
  datasets::v1::GetRowsRequest request;
  request.set_name(dataset);
  for (const std::string& id : row_ids) request.add_row_ids(id);
  datasets::v1::GetRowsResponse response;
  const grpc::Status status = stub_->GetRows(&context, request, &response);
  if (!status.ok()) return PeerError(status, kPeer, address_);
  return std::vector<datasets::v1::Row>(response.rows().begin(), response.rows().end());
}

absl::StatusOr<std::vector<datasets::v1::ColumnData>> DatasetClient::ReadColumns(
    const std::string& dataset, const std::vector<std::string>& columns) const {
  grpc::ClientContext context;
  SetDeadline(context, timeout_);
  datasets::v1::ReadColumnsRequest request;
  request.set_name(dataset);
  for (const std::string& column : columns) request.add_columns(column);
  auto reader = stub_->ReadColumns(&context, request);

  std::vector<datasets::v1::ColumnData> result(columns.size());
  datasets::v1::ReadColumnsResponse chunk;
  while (reader->Read(&chunk)) {
    for (int c = 0; c < chunk.columns_size() && c < static_cast<int>(result.size()); ++c) {
      const datasets::v1::ColumnData& part = chunk.columns(c);
      datasets::v1::ColumnData& whole = result[c];
      const int offset = whole.doubles_size() + whole.strings_size() + whole.class_indices_size();
      whole.set_name(part.name());
      whole.set_type(part.type());
      whole.mutable_doubles()->Add(part.doubles().begin(), part.doubles().end());
      for (const std::string& value : part.strings()) whole.add_strings(value);
      whole.mutable_class_indices()->Add(part.class_indices().begin(), part.class_indices().end());
      for (int missing : part.missing_rows()) whole.add_missing_rows(offset + missing);
    }
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return PeerError(status, kPeer, address_);
  return result;
}

}  // namespace goalpost::explain
