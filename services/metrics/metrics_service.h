#ifndef GOALPOST_SERVICES_METRICS_METRICS_SERVICE_H_
#define GOALPOST_SERVICES_METRICS_METRICS_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server.h"
#include "goalpost/metrics/v1/metrics.grpc.pb.h"
#include "services/metrics/dataset_source.h"
#include "services/metrics/metrics_evaluator.h"

namespace goalpost::metrics {

// The gRPC adapter: converts statuses once and logs failures by dataset.
class MetricsService final : public goalpost::metrics::v1::MetricsService::Service {
 public:
  // `evaluator` must outlive the service.
  explicit MetricsService(MetricsEvaluator* evaluator);

  grpc::Status Evaluate(grpc::ServerContext* context,
                        const goalpost::metrics::v1::EvaluateRequest* request,
                        goalpost::metrics::v1::EvaluateResponse* response) override;
  grpc::Status EvaluatePartial(grpc::ServerContext* context,
                               const goalpost::metrics::v1::EvaluatePartialRequest* request,
                               goalpost::metrics::v1::EvaluatePartialResponse* response) override;
  grpc::Status ListMetricNames(grpc::ServerContext* context,
                               const goalpost::metrics::v1::ListMetricNamesRequest* request,
                               goalpost::metrics::v1::ListMetricNamesResponse* response) override;

 private:
  MetricsEvaluator* evaluator_;
};

// PeerEvaluator over a gRPC channel to another goalpost-metrics.
class GrpcPeerEvaluator final : public PeerEvaluator {
 public:
  GrpcPeerEvaluator(std::shared_ptr<grpc::Channel> channel, absl::Duration call_timeout);
  absl::StatusOr<goalpost::metrics::v1::EvaluatePartialResponse> EvaluatePartial(
      const goalpost::metrics::v1::EvaluatePartialRequest& request) override;

 private:
  std::unique_ptr<goalpost::metrics::v1::MetricsService::Stub> stub_;
  absl::Duration call_timeout_;
};

struct MetricsServerOptions {
  ServerOptions server;
  // host:port of goalpost-datasets. Required.
  std::string datasets_address;
  // host:port of other goalpost-metrics replicas that large evaluations are
  // split across; empty evaluates everything here.
  std::vector<std::string> peers;
  // Deadline of each call to the datasets service or a peer.
  absl::Duration call_timeout = absl::Minutes(10);
};

// Serves MetricsService until SIGTERM or SIGINT. Ready (health SERVING)
// while the datasets service reports SERVING.
absl::Status RunMetricsServer(const MetricsServerOptions& options);

}  // namespace goalpost::metrics

#endif  // GOALPOST_SERVICES_METRICS_METRICS_SERVICE_H_
