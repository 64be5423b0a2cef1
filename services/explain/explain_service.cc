#include "services/explain/explain_service.h"

#include <spdlog/spdlog.h>

#include "common/status.h"

namespace goalpost::explain {

grpc::Status ExplainServiceImpl::ExplainRow(grpc::ServerContext*, const v1::ExplainRowRequest* request,
                                            v1::ExplainRowResponse* response) {
  absl::StatusOr<v1::Explanation> explanation = explainer_->ExplainRow(*request);
  if (!explanation.ok()) {
    spdlog::debug("ExplainRow {} of {} with model {} failed: {}", request->row_id(),
                  request->dataset(), request->model(), explanation.status().ToString());
    return ToGrpcStatus(explanation.status());
  }
  *response->mutable_explanation() = *std::move(explanation);
  return grpc::Status::OK;
}

grpc::Status ExplainServiceImpl::ExplainRows(grpc::ServerContext* context,
                                             const v1::ExplainRowsRequest* request,
                                             grpc::ServerWriter<v1::ExplainRowsResponse>* writer) {
  // RowExplainer calls this from one thread at a time; a write that fails
  // (the client left) is noticed through the context when the call ends.
  const absl::Status status =
      explainer_->ExplainRows(*request, [&](const v1::ExplainRowsResponse& response) {
        if (!context->IsCancelled()) writer->Write(response);
      });
  if (!status.ok()) {
    spdlog::debug("ExplainRows of {} with model {} failed: {}", request->dataset(),
                  request->model(), status.ToString());
  }
  return ToGrpcStatus(status);
}

}  // namespace goalpost::explain
