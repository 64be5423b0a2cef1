#ifndef GOALPOST_SERVICES_EXPLAIN_EXPLAIN_SERVICE_H_
#define GOALPOST_SERVICES_EXPLAIN_EXPLAIN_SERVICE_H_

#include "goalpost/explain/v1/explain.grpc.pb.h"
#include "services/explain/row_explainer.h"

namespace goalpost::explain {

// The gRPC adapter of goalpost.explain.v1.ExplainService over RowExplainer.
class ExplainServiceImpl final : public v1::ExplainService::Service {
 public:
  // `explainer` must outlive the service.
  explicit ExplainServiceImpl(RowExplainer* explainer) : explainer_(explainer) {}

  grpc::Status ExplainRow(grpc::ServerContext* context, const v1::ExplainRowRequest* request,
                          v1::ExplainRowResponse* response) override;

  grpc::Status ExplainRows(grpc::ServerContext* context, const v1::ExplainRowsRequest* request,
                           grpc::ServerWriter<v1::ExplainRowsResponse>* writer) override;

 private:
  RowExplainer* explainer_;
};

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_EXPLAIN_SERVICE_H_
