#ifndef GOALPOST_SERVICES_EXPLAIN_EXPLAIN_SERVER_H_
#define GOALPOST_SERVICES_EXPLAIN_EXPLAIN_SERVER_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server.h"
#include "services/explain/dataset_client.h"
#include "services/explain/explain_service.h"
#include "services/explain/inference_client.h"
#include "services/explain/row_explainer.h"

namespace goalpost::explain {

struct ExplainServerOptions {
  // host:port of the datasets service. Required.
  std::string datasets_address;
  // host:port of the inference service. Required.
  std::string inference_address;
  // Largest message sent to or received from either service, in bytes.
  int max_message_bytes = 64 * 1024 * 1024;
  // Rows per Predict message are cut at this many bytes of text or values.
  int max_batch_bytes = 4 * 1024 * 1024;
  // Deadline of each call to the datasets or inference service.
  absl::Duration call_timeout = absl::Seconds(120);
  // Rows that ExplainRows explains at the same time; 0 uses every core.
  int parallel_rows = 0;
};

// Everything goalpost-explain serves: ExplainService over clients of the
// datasets and inference services. It stores nothing.
class ExplainServer {
 public:
  // INVALID_ARGUMENT when an address is missing.
  static absl::StatusOr<std::unique_ptr<ExplainServer>> Create(const ExplainServerOptions& options);

  // Registers the service and the readiness check with `host`.
  void AddTo(ServiceHost& host);

  // OK while both the datasets and the inference service report SERVING.
  absl::Status CheckReadiness();

 private:
  ExplainServer() = default;

  ExplainServerOptions options_;
  std::shared_ptr<grpc::Channel> datasets_channel_;
  std::shared_ptr<grpc::Channel> inference_channel_;
  std::unique_ptr<DatasetClient> datasets_;
  std::unique_ptr<InferenceClient> inference_;
  std::unique_ptr<RowExplainer> explainer_;
  std::unique_ptr<ExplainServiceImpl> service_;
};

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_EXPLAIN_SERVER_H_
